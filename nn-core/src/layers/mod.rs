//! Typed layers whose sizes are const generics.

pub mod activation;
pub mod dense;
