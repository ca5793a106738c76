#!/usr/bin/env python3
"""Executed instructions per call of `classify` (one inference) in a firmware
ELF, from a QEMU trace of every executed instruction:

    qemu-system-arm ... -singlestep -d exec,nochain -D trace.log -kernel ELF
    examples/firmware/count-instructions.py ELF trace.log

Counts from the entry of `classify` to the instruction after the `bl` that
called it (callees such as `__aeabi_lmul` included).
"""
import sys, subprocess, re
elf = sys.argv[1]
dis = subprocess.run(['arm-none-eabi-objdump','-d','--no-show-raw-insn',elf],capture_output=True,text=True).stdout
start = int(re.search(r'^([0-9a-f]+) <\S*classify\S*>:', dis, re.M).group(1),16)
call = re.search(r'^\s+([0-9a-f]+):\s+bl\s+[0-9a-f]+ <\S*classify\S*>', dis, re.M)
ret = int(call.group(1),16)+4
counts=[]; on=False; n=0
for line in open(sys.argv[2]):
    i=line.find('[')
    if i<0: continue
    pc=int(line[i+1:].split('/')[1],16)
    if pc==start and not on: on=True; n=0
    if on:
        if pc==ret: counts.append(n); on=False
        else: n+=1
print(f"{len(counts)} inferences: min {min(counts)}, max {max(counts)}, mean {sum(counts)/len(counts):.0f} instructions")
