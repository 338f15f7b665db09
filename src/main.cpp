#include "cli/app.hpp"

int main(int argc, char** argv) { return f32patch::cli::run(argc, argv); }
