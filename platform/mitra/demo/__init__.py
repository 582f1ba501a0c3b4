"""The demo data set of `mitra seed-demo` and `mitra up`, and the reference data it builds on."""
