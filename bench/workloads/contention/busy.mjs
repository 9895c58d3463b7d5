// A stand-in for a compiler or a test suite: computes until it has used `cpu` ms of CPU
// time (so it takes longer when it has to share a core), and waits `wait` ms first (the
// part of a real task that downloads or talks to a server, which does not contend).
//   node busy.mjs <cpu-ms> [wait-ms]
const [cpuMs = 0, waitMs = 0] = process.argv.slice(2).map(Number);
await new Promise((resolve) => setTimeout(resolve, waitMs));
const start = process.cpuUsage();
let x = 0;
for (;;) {
  for (let i = 0; i < 100_000; i++) x = (x * 31 + i) % 1_000_003;
  const used = process.cpuUsage(start);
  if ((used.user + used.system) / 1000 >= cpuMs) break;
}
if (x < 0) console.log(x);
