// The command-line front end: builds the CLI11 app from the command table, runs it, and maps
// every error onto the documented exit statuses. The only code that knows CLI11.
#pragma once

namespace f32patch::cli {

int run(int argc, char** argv);

}  // namespace f32patch::cli
