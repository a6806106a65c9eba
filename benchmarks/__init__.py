"""Independent benchmark tooling: public instances, parsers and scorers shared by no solver."""
