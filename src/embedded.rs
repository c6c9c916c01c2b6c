//! Files compiled into the binary by `build.rs`: the Fluent files and the theme's static assets, so a
//! deployment is one binary and one data directory.
include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
