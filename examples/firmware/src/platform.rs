//! What differs between the firmware targets, behind one interface:
//! `hprintln!` (a line to the host), [`exit_with`] (QEMU's exit status), the
//! runtime (reset, entry) and the fault and panic handlers. Included as a
//! module by every program.
//!
//! - **Arm** (Cortex-M4F, Cortex-M0): cortex-m-rt and semihosting.
//! - **RISC-V** (`riscv32imc`, `riscv32imafc`) on QEMU's `virt` board: a
//!   small runtime here (start-up code, a 16550 UART for output, the SiFive
//!   test device for the exit status, a trap handler); `link-riscv32.x` is
//!   the memory layout.

#[cfg(target_arch = "arm")]
pub use arm::*;
#[cfg(target_arch = "riscv32")]
pub use riscv::*;

#[cfg(target_arch = "arm")]
mod arm {
    use cortex_m_rt::{ExceptionFrame, exception};
    pub use cortex_m_semihosting::hprintln;

    /// Exits QEMU with `code` through SYS_EXIT_EXTENDED (0x20); `debug::exit`
    /// only gives 0 or 1 on 32-bit ARM.
    pub fn exit_with(code: u32) -> ! {
        let args = [0x20026usize, code as usize]; // 0x20026 = ADP_Stopped_ApplicationExit
        // SAFETY: semihosting call 0x20 takes a pointer to two words, which
        // `args` provides for the duration of the call; QEMU ends the program.
        unsafe { cortex_m_semihosting::syscall(0x20, &args) };
        #[allow(clippy::empty_loop)]
        loop {}
    }

    #[exception]
    unsafe fn HardFault(ef: &ExceptionFrame) -> ! {
        hprintln!("HardFault at pc={:#010x}", ef.pc());
        exit_with(3)
    }

    #[panic_handler]
    fn panic(info: &core::panic::PanicInfo) -> ! {
        hprintln!("PANIC: {}", info);
        exit_with(1)
    }
}

#[cfg(target_arch = "riscv32")]
mod riscv {
    use core::fmt::Write;

    /// QEMU `virt`: the 16550 UART's transmit register.
    const UART: *mut u8 = 0x1000_0000 as *mut u8;
    /// QEMU `virt`: the SiFive test device ("finisher").
    const FINISHER: *mut u32 = 0x0010_0000 as *mut u32;

    // Reset: stack, zeroed .bss, traps to `trap_entry`, the FPU on (mstatus.FS
    // = Initial; a no-op without the F extension, the field is then
    // read-only zero), then `main` (`export_name = "main"` in each program).
    core::arch::global_asm!(
        ".section .text.start, \"ax\"",
        ".global _start",
        "_start:",
        "    la sp, _stack_start",
        "    la t0, __sbss",
        "    la t1, __ebss",
        "1:  bgeu t0, t1, 2f",
        "    sw zero, 0(t0)",
        "    addi t0, t0, 4",
        "    j 1b",
        "2:  la t0, trap_entry",
        "    csrw mtvec, t0",
        "    li t0, 0x2000",
        "    csrs mstatus, t0",
        "    call main",
        "3:  j 3b",
        ".p2align 2",
        "trap_entry:",
        "    csrr a0, mcause",
        "    csrr a1, mepc",
        "    j {trap}",
        trap = sym trap,
    );

    /// Writes to the UART.
    pub struct Uart;

    impl Write for Uart {
        fn write_str(&mut self, s: &str) -> core::fmt::Result {
            for b in s.bytes() {
                // SAFETY: QEMU virt's UART transmit register, always ready.
                unsafe { UART.write_volatile(b) };
            }
            Ok(())
        }
    }

    /// Prints a line on the UART (QEMU's standard output with `-nographic`).
    macro_rules! hprintln {
        ($($arg:tt)*) => {{
            use core::fmt::Write as _;
            let _ = writeln!($crate::platform::Uart, $($arg)*);
        }};
    }
    pub(crate) use hprintln;

    /// Exits QEMU with `code` through the SiFive test device.
    pub fn exit_with(code: u32) -> ! {
        let word = if code == 0 {
            0x5555
        } else {
            (code << 16) | 0x3333
        };
        // SAFETY: QEMU virt's test device; the write ends the program.
        unsafe { FINISHER.write_volatile(word) };
        #[allow(clippy::empty_loop)]
        loop {}
    }

    /// Any exception or interrupt: prints the cause and where, exits 3.
    extern "C" fn trap(mcause: usize, mepc: usize) -> ! {
        hprintln!("trap: mcause={:#x} at pc={:#010x}", mcause, mepc);
        exit_with(3)
    }

    #[panic_handler]
    fn panic(info: &core::panic::PanicInfo) -> ! {
        hprintln!("PANIC: {}", info);
        exit_with(1)
    }
}
