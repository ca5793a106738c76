//! nn-std (work in progress).
