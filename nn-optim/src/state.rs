//! Named optimizer state: each rule's buffers as a struct of fields of one
//! type `T` (a copy of the model for the network API, a `&mut [F]` for the
//! slice API), with the optional buffers typed by a [`Slot`], so that a
//! buffer the configuration does not use takes no memory at all.

use core::fmt::Debug;

/// Whether a rule keeps an optional state buffer (AMSGrad's `vmax`,
/// momentum buffers, RMSprop's mean gradient): [`Present`] or [`Absent`].
///
/// The choice is part of the type, not a runtime flag, so that an absent
/// buffer costs nothing even inside a network-sized state on the stack
/// (an `Option<M>` would still reserve `size_of::<M>()`). Sealed.
pub trait Slot: sealed::Sealed + Copy + Default + Debug + 'static {
    /// Whether the buffer is kept.
    const KEPT: bool;
    /// The buffer's storage: `T` when present, `()` when absent.
    type Of<T>;
    /// A buffer made by `make` (not called when absent).
    fn from_fn<T>(make: impl FnOnce() -> T) -> Self::Of<T>;
    /// The buffer with `f` applied (not called when absent).
    fn map<T, U>(buffer: Self::Of<T>, f: impl FnOnce(T) -> U) -> Self::Of<U>;
    /// The buffer by mutable reference.
    fn as_mut<T>(buffer: &mut Self::Of<T>) -> Self::Of<&mut T>;
    /// The buffer by reference.
    fn as_ref<T>(buffer: &Self::Of<T>) -> Self::Of<&T>;
    /// The buffer, if kept.
    fn into_option<T>(buffer: Self::Of<T>) -> Option<T>;
}

/// The optional buffer is kept: its field is a `T`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Present;

/// The optional buffer is not kept: its field is `()`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Absent;

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::Present {}
    impl Sealed for super::Absent {}
}

impl Slot for Present {
    const KEPT: bool = true;
    type Of<T> = T;
    fn from_fn<T>(make: impl FnOnce() -> T) -> T {
        make()
    }
    fn map<T, U>(buffer: T, f: impl FnOnce(T) -> U) -> U {
        f(buffer)
    }
    fn as_mut<T>(buffer: &mut T) -> &mut T {
        buffer
    }
    fn as_ref<T>(buffer: &T) -> &T {
        buffer
    }
    fn into_option<T>(buffer: T) -> Option<T> {
        Some(buffer)
    }
}

impl Slot for Absent {
    const KEPT: bool = false;
    type Of<T> = ();
    fn from_fn<T>(_: impl FnOnce() -> T) {}
    fn map<T, U>((): (), _: impl FnOnce(T) -> U) {}
    fn as_mut<T>((): &mut ()) {}
    fn as_ref<T>((): &()) {}
    fn into_option<T>((): ()) -> Option<T> {
        None
    }
}

/// Defines a rule's state struct: the buffers every configuration uses
/// (`field: T`), then the optional ones (`? field: S`, stored as `S::Of<T>`
/// for a [`Slot`] parameter `S`), with the field-wise helpers that the rules' state
/// functions ([`state_fns`]) delegate to.
macro_rules! state {
    (
        $(#[$meta:meta])*
        pub struct $name:ident<T $(, $slot:ident)*> {
            $($(#[$fmeta:meta])* $field:ident: T,)*
            $(? $(#[$ometa:meta])* $opt:ident: $oslot:ident,)*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq)]
        pub struct $name<T $(, $slot: $crate::Slot = $crate::Absent)*> {
            $($(#[$fmeta])* pub $field: T,)*
            $($(#[$ometa])* pub $opt: $oslot::Of<T>,)*
        }

        impl<T $(, $slot: $crate::Slot)*> $name<T $(, $slot)*> {
            pub(crate) fn from_fn(mut make: impl FnMut() -> T) -> Self {
                $name {
                    $($field: make(),)*
                    $($opt: $oslot::from_fn(&mut make),)*
                }
            }
            pub(crate) fn map<U>(self, mut f: impl FnMut(T) -> U) -> $name<U $(, $slot)*> {
                $name {
                    $($field: f(self.$field),)*
                    $($opt: $oslot::map(self.$opt, &mut f),)*
                }
            }
            pub(crate) fn each_mut(&mut self) -> $name<&mut T $(, $slot)*> {
                $name {
                    $($field: &mut self.$field,)*
                    $($opt: $oslot::as_mut(&mut self.$opt),)*
                }
            }
            pub(crate) fn each_ref(&self) -> $name<&T $(, $slot)*> {
                $name {
                    $($field: &self.$field,)*
                    $($opt: $oslot::as_ref(&self.$opt),)*
                }
            }
            pub(crate) fn into_iter(self) -> impl Iterator<Item = T> {
                [$(self.$field),*]
                    .into_iter()
                    $(.chain($oslot::into_option(self.$opt)))*
            }
        }
    };
}

pub(crate) use state;

/// The state functions of [`Update`](crate::rule::Update) for a rule whose
/// state is `$name<T, slots...>` (defined with [`state`]).
macro_rules! state_fns {
    ($name:ident $(, $slot:ident)*) => {
        type State<T> = $name<T $(, $slot)*>;
        fn state_from_fn<T>(make: impl FnMut() -> T) -> Self::State<T> {
            $name::from_fn(make)
        }
        fn state_map<T, U>(state: Self::State<T>, f: impl FnMut(T) -> U) -> Self::State<U> {
            state.map(f)
        }
        fn state_mut<T>(state: &mut Self::State<T>) -> Self::State<&mut T> {
            state.each_mut()
        }
        fn state_ref<T>(state: &Self::State<T>) -> Self::State<&T> {
            state.each_ref()
        }
        fn state_iter<T>(state: Self::State<T>) -> impl Iterator<Item = T> {
            state.into_iter()
        }
    };
}

pub(crate) use state_fns;

/// Refuses a configuration that needs the optional buffer `name` when the
/// type `S` does not keep it, or that leaves a kept buffer unused.
pub(crate) fn check_slot<S: Slot>(
    name: &'static str,
    used: bool,
) -> Result<(), crate::ConfigError> {
    if used == S::KEPT {
        Ok(())
    } else {
        Err(crate::ConfigError::StateMismatch { name, used })
    }
}
