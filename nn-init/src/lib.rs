//! nn-init (work in progress).
