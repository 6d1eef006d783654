// tally: the token ledger for AI coding agents. Everything happens in src/cli.
#include "cli/cli.h"

int main(int argc, char** argv) { return tally::cli::run_cli(argc, argv); }
