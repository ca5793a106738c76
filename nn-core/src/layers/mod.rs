//! Typed layers whose sizes are const generics.

pub mod activation;
pub mod dense;
pub mod maxout;
pub mod prelu;
pub mod softmax;
