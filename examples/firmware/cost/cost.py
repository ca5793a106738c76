#!/usr/bin/env python3
"""Executed instructions per inference on the firmware targets (QEMU).

Builds the `cost` program (src/bin/cost.rs) for each target and opt-level,
runs it in QEMU with the `insncount` plugin (insncount.c, compiled here into
the build directory) counting the instructions between its markers
`cost_begin` and `cost_end`, and prints per workload and build:

- instructions per inference (mean over the workload's windows, minus the
  empty window's marker overhead);
- code bytes the inference executes (distinct instructions, one window);
- weight bytes (the size of the model's `static`, from the symbol table);
- peak stack of one inference (measured by the program, painted stack);
- estimated cycles on the Arm cores: each executed instruction priced with
  the core's documented timings (Cortex-M4 TRM, ARM DDI 0439B, tables 3-1
  and 7-1; Cortex-M0 TRM, ARM DDI 0432C, table 3-1), assuming zero wait
  states and, on the M4, a one-cycle pipeline refill (P = 1) per taken
  branch. QEMU does not model time: this is an estimate, not a measurement.

Validation (every run): the two `loop` windows run the same two-instruction
loop 100 and 1100 times; their counts must differ by exactly 2000, or the
tool fails.

  cost/cost.py                       # every target, opt-level "s" and 3
  cost/cost.py --target thumbv6m-none-eabi --opt s
  cost/cost.py --target thumbv7em-none-eabihf --cpu cortex-m4   # -C target-cpu
  cost/cost.py --check cost/baseline.txt   # fail on a regression > 2%
  cost/cost.py --write cost/baseline.txt   # rewrite the committed figures
"""

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIRMWARE = HERE.parent
TARGET_DIR = FIRMWARE / "target"

# QEMU command per target (the same boards as .cargo/config.toml).
QEMU = {
    "thumbv7em-none-eabihf": ["qemu-system-arm", "-cpu", "cortex-m4", "-machine", "mps2-an386"],
    "thumbv6m-none-eabi": ["qemu-system-arm", "-machine", "microbit"],
    "riscv32imc-unknown-none-elf": ["qemu-system-riscv32", "-machine", "virt", "-bios", "none"],
    "riscv32imafc-unknown-none-elf": ["qemu-system-riscv32", "-machine", "virt", "-bios", "none"],
}
CORE = {
    "thumbv7em-none-eabihf": "Cortex-M4F",
    "thumbv6m-none-eabi": "Cortex-M0",
    "riscv32imc-unknown-none-elf": "RV32IMC",
    "riscv32imafc-unknown-none-elf": "RV32IMAFC",
}
OPTS = ["s", "3"]
# Symbols of the models' weights (demangled names end with these).
WEIGHTS = {
    "digits": "digits_net::model::MODEL",
    "sine": "sine_net::SINE",
    "digits_int8": "digits_int8::MODEL",
    "sine_int8": "sine_int8::MODEL",
}
# The workloads CI guards against regressions.
CHECKED = ("digits", "digits_int8")
# Allowed growth of a checked count over the committed baseline.
TOLERANCE = 0.02
# Iterations of the validation loop (src/bin/cost.rs, LOOPS): two instructions each.
LOOP_SHORT, LOOP_LONG = 100, 1100


def split_key(key):
    """'pop.w{4+pc}' -> ('pop', 4, True); 'vmla.f32' -> ('vmla.f32', 0, False)."""
    m = re.fullmatch(r"([^{]+?)(?:\.[wn])?(?:\{(\d+)(\+pc)?\})?", key)
    return m[1], int(m[2] or 0), bool(m[3])


def cycles_m4(name, regs):
    """Cycles of one Cortex-M4F instruction before the taken-branch refill."""
    if name.startswith(("vmla", "vmls", "vnmla", "vnmls", "vfma", "vfms", "vfnma", "vfnms")):
        return 3
    if name.startswith(("vdiv", "vsqrt")):
        return 14
    if name.startswith(("vldm", "vstm", "vpush", "vpop")):
        return 1 + regs
    if name.startswith(("vldr", "vstr")):
        return 2
    if name.startswith(("ldm", "stm", "push", "pop")):
        return 1 + regs
    if name in ("ldrd", "strd"):
        return 3
    if name.startswith(("ldr", "str")):
        return 2
    if name in ("udiv", "sdiv"):
        return 12  # 2 to 12, data-dependent: the upper bound
    return 1


def cycles_m0(name, regs):
    """Cycles of one Cortex-M0 instruction before the taken-branch refill."""
    if name.startswith(("ldm", "stm", "push", "pop")):
        return 1 + regs
    if name.startswith(("ldr", "str")):
        return 2
    if name == "bl":
        return 2
    return 1  # muls: the single-cycle multiplier option


def estimate_cycles(target, mnemonics):
    """Estimated cycles of a window from its {key: (count, taken)}."""
    if target == "thumbv7em-none-eabihf":
        price, refill, refill_pc = cycles_m4, 1, 1
    elif target == "thumbv6m-none-eabi":
        price, refill, refill_pc = cycles_m0, 2, 3
    else:
        return None
    total = 0
    for key, (count, taken) in mnemonics.items():
        name, regs, pc = split_key(key)
        total += price(name, regs) * count + (refill_pc if pc else refill) * taken
    return total


def build_env():
    """The environment run.sh uses: Debian's toolchain from .cargo/config.toml."""
    env = dict(os.environ)
    for var in [
        "RUSTC", "RUSTDOC", "RUSTC_WRAPPER", "RUSTC_WORKSPACE_WRAPPER", "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS", "CARGO_BUILD_RUSTFLAGS", "CARGO_BUILD_TARGET", "RUSTUP_TOOLCHAIN",
    ]:
        env.pop(var, None)
    env["RUSTC_BOOTSTRAP"] = "1"
    return env


def target_dir(opt, cpu):
    """opt-level "s" for the default CPU shares run.sh's target/; other builds get their own."""
    if opt == "s" and cpu is None:
        return TARGET_DIR
    return TARGET_DIR / (f"opt-{opt}" + (f"-cpu-{cpu}" if cpu else ""))


def build(target, opt, cpu):
    env = build_env()
    env["CARGO_TARGET_DIR"] = str(target_dir(opt, cpu))
    env["CARGO_PROFILE_RELEASE_OPT_LEVEL"] = opt
    if cpu:
        # Added to the config's rustflags for the target (cargo merges them).
        env[f"CARGO_TARGET_{target.upper().replace('-', '_')}_RUSTFLAGS"] = f"-C target-cpu={cpu}"
    subprocess.run(
        ["/usr/bin/cargo", "build", "--quiet", "--release", "--bin", "cost", "--target", target],
        cwd=FIRMWARE, env=env, check=True,
    )
    return target_dir(opt, cpu) / target / "release" / "cost"


def plugin():
    """Compiles insncount.c into the build directory (never committed)."""
    so = TARGET_DIR / "insncount.so"
    src = HERE / "insncount.c"
    if not so.exists() or so.stat().st_mtime < src.stat().st_mtime:
        TARGET_DIR.mkdir(exist_ok=True)
        subprocess.run(
            ["gcc", "-shared", "-fPIC", "-O2", "-Wall", "-Wextra", "-Werror", "-fvisibility=hidden",
             "-o", str(so), str(src)],
            check=True,
        )
    return so


def symbols(elf):
    """{demangled name: (address, size)} of the ELF's defined symbols."""
    out = subprocess.run(["llvm-nm", "-S", "--demangle", str(elf)], capture_output=True, text=True,
                         check=True).stdout
    table = {}
    for line in out.splitlines():
        parts = line.split(maxsplit=3)
        if len(parts) == 4:
            table[parts[3]] = (int(parts[0], 16), int(parts[1], 16))
        elif len(parts) == 3:
            table[parts[2]] = (int(parts[0], 16), 0)
    return table


def weight_bytes(table, suffix):
    sizes = [size for name, (_, size) in table.items() if name.endswith(suffix)]
    if len(sizes) != 1:
        sys.exit(f"cost: expected one symbol ending in {suffix}, found {len(sizes)}")
    return sizes[0]


def run(target, elf, so):
    """Runs the program under the plugin; returns its output and the plugin's log."""
    table = symbols(elf)
    # Thumb symbols carry the mode in bit 0; instructions are at even addresses.
    begin, end = (table[name][0] & ~1 for name in ("cost_begin", "cost_end"))
    log = elf.with_suffix(".cost.log")
    semihosting = ["-semihosting-config", "enable=on,target=native"] if target.startswith("thumb") else []
    cmd = QEMU[target] + semihosting + [
        "-nographic",
        "-plugin", f"{so},begin={begin:#x},end={end:#x}", "-d", "plugin", "-D", str(log),
        "-kernel", str(elf),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        sys.exit(f"cost: the program failed on {target} (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}")
    return proc.stdout, log.read_text(), table


def parse(stdout, log):
    """{workload: [window dicts]} and {workload: stack bytes}."""
    plan = [(m[1], int(m[2])) for m in re.finditer(r"^cost window (\S+) (\d+)$", stdout, re.M)]
    stacks = {m[1]: int(m[2]) for m in re.finditer(r"^cost stack (\S+) (\d+)$", stdout, re.M)}
    windows = []
    for m in re.finditer(r"^window \d+ insns=(\d+) bytes=(\d+) mnemonics=(\S*)$", log, re.M):
        mnemonics = {}
        for item in filter(None, m[3].split(",")):
            name, count, taken = item.rsplit(":", 2)
            mnemonics[name] = (int(count), int(taken))
        windows.append({"insns": int(m[1]), "bytes": int(m[2]), "mnemonics": mnemonics})
    if sum(n for _, n in plan) != len(windows):
        sys.exit(f"cost: the program announced {sum(n for _, n in plan)} windows, the plugin saw {len(windows)}")
    by_name, i = {}, 0
    for name, n in plan:
        by_name.setdefault(name, []).extend(windows[i:i + n])
        i += n
    return by_name, stacks


def validate(by_name, label):
    """The loop windows must differ by exactly 2 instructions per iteration."""
    short, long_ = (w["insns"] for w in by_name["loop"])
    want = 2 * (LOOP_LONG - LOOP_SHORT)
    ok = long_ - short == want
    print(f"validation {label}: loop x{LOOP_LONG} - loop x{LOOP_SHORT} = {long_ - short} instructions "
          f"(expected {want}): {'ok' if ok else 'FAIL'}")
    return ok


def measure(target, opt, cpu, so):
    elf = build(target, opt, cpu)
    stdout, log, table = run(target, elf, so)
    by_name, stacks = parse(stdout, log)
    ok = validate(by_name, f"{CORE[target]} opt-level {opt}" + (f" target-cpu {cpu}" if cpu else ""))
    overhead = by_name["empty"][0]["insns"]
    overhead_cycles = estimate_cycles(target, by_name["empty"][0]["mnemonics"])
    rows = []
    for name in WEIGHTS:
        ws = by_name[name]
        counts = [w["insns"] - overhead for w in ws]
        cycles = None
        if overhead_cycles is not None:
            cycles = round(sum(estimate_cycles(target, w["mnemonics"]) - overhead_cycles for w in ws) / len(ws))
        rows.append({
            "cycles": cycles,
            "workload": name, "target": target, "opt": opt + (f"+{cpu}" if cpu else ""),
            "insns": round(sum(counts) / len(counts)), "min": min(counts), "max": max(counts),
            "code": ws[0]["bytes"], "weights": weight_bytes(table, WEIGHTS[name]),
            "stack": stacks[name],
        })
    return rows, ok


def read_baseline(path):
    """{(workload, target, opt): instructions} from `workload target opt count` lines."""
    base = {}
    for line in Path(path).read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, target, opt, count = line.split()
            base[(name, target, opt)] = int(count)
    return base


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--target", action="append", choices=list(QEMU), help="default: every target")
    ap.add_argument("--opt", action="append", choices=["s", "z", "1", "2", "3"], help="default: s and 3")
    ap.add_argument("--cpu", help="-C target-cpu for the build (default: the target's)")
    ap.add_argument("--check", metavar="BASELINE",
                    help="fail if a Digits count (f32 or int8) grew more than 2%%")
    ap.add_argument("--write", metavar="BASELINE", help="write every workload's counts")
    args = ap.parse_args()
    so = plugin()
    rows, ok = [], True
    for target in args.target or list(QEMU):
        for opt in args.opt or OPTS:
            r, v = measure(target, opt, args.cpu, so)
            rows += r
            ok &= v
    print("\n| workload | core | opt-level | instructions (mean) | min-max | est. cycles "
          "| code bytes executed | weight bytes | stack bytes |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        cycles = "n/a" if r["cycles"] is None else f"{r['cycles']:,}"
        print(f"| {r['workload']} | {CORE[r['target']]} | {r['opt']} | {r['insns']:,} | {r['min']:,}-{r['max']:,} "
              f"| {cycles} | {r['code']:,} | {r['weights']:,} | {r['stack']:,} |")
    if args.write:
        lines = ["# workload target opt-level instructions (cost/cost.py --write; CI checks digits, digits_int8)"]
        lines += [f"{r['workload']} {r['target']} {r['opt']} {r['insns']}" for r in rows]
        Path(args.write).write_text("\n".join(lines) + "\n")
    if args.check:
        base = read_baseline(args.check)
        for r in rows:
            key = (r["workload"], r["target"], r["opt"])
            if r["workload"] not in CHECKED or key not in base:
                continue
            limit = base[key] * (1 + TOLERANCE)
            verdict = "ok" if r["insns"] <= limit else "REGRESSION"
            print(f"check {r['workload']} {CORE[r['target']]} opt-level {r['opt']}: {r['insns']:,} "
                  f"(baseline {base[key]:,}, limit {limit:,.0f}): {verdict}")
            ok &= r["insns"] <= limit
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
