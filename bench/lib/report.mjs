// The benchmark's Markdown: one table per group, ratios stagerun/peer, and the bars.

const s = (ms) => (ms === undefined || Number.isNaN(ms) ? '—' : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)}×` : '—');
const mb = (kb) => (kb ? `${Math.round(kb / 1024)} MB` : '—');

function cell(tool) {
  if (!tool) return 'n/a';
  if (tool.runs === 0) return `failed${tool.error ? ` (${tool.error.split('\n').filter(Boolean).pop()?.slice(0, 60)})` : ''}`;
  return s(tool.wallMs);
}

function table(header, rows) {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

export function bars(results) {
  const checks = [];
  for (const row of results.scheduling) {
    const dag = row.tools['stagerun dag'];
    const achievable = row.bestMs <= row.lowerBoundMs + 1;
    const target = achievable ? row.lowerBoundMs : row.bestMs;
    const allowed = target * 1.02 + 50;
    checks.push({
      bar: achievable
        ? `${row.workload} -j${row.jobs}: makespan ≤ bound + 2 % + 50 ms`
        : `${row.workload} -j${row.jobs}: bound not achievable; makespan ≤ best schedule found + 2 % + 50 ms`,
      figure: `${s(dag?.makespanMs)} vs ${s(allowed)} allowed (${achievable ? 'bound' : 'best found'} ${s(target)})`,
      met: dag?.makespanMs <= allowed,
    });
    for (const peer of ['make', 'ninja']) {
      const other = row.tools[peer];
      if (!other?.runs) continue;
      checks.push({
        bar: `${row.workload} -j${row.jobs}: makespan not worse than ${peer}'s`,
        figure: `${s(dag?.makespanMs)} vs ${s(other.wallMs)}`,
        met: dag?.makespanMs <= other.wallMs,
      });
    }
  }
  const perTask = {};
  const one = results.overhead.find((row) => row.tasks === 1 && !row.functions)?.tools['stagerun dag'];
  const ownPerTask = {};
  const oneFunction = results.overhead.find((row) => row.tasks === 1 && row.functions)?.tools['stagerun dag'];
  for (const row of results.overhead.filter((row) => row.functions && row.tasks > 1)) {
    if (oneFunction && row.tools['stagerun dag'])
      ownPerTask[row.tasks] = (row.tools['stagerun dag'].wallMs - oneFunction.wallMs) / row.tasks;
  }
  if (ownPerTask[500] && ownPerTask[2000]) {
    checks.push({
      bar: "a run's own work per task (in-process no-op tasks): 2,000 no more than 500 (within 10 % for noise)",
      figure: `${(ownPerTask[2000] * 1000).toFixed(0)} µs vs ${(ownPerTask[500] * 1000).toFixed(0)} µs per task`,
      met: ownPerTask[2000] <= ownPerTask[500] * 1.1,
    });
  }
  for (const row of results.overhead.filter((row) => !row.functions)) {
    const ours = row.tools['stagerun dag'];
    // Processes start through execa (its cost is in the libraries' table); the bar allows for it.
    if (ours && row.tools.make && row.tasks === 500) {
      checks.push({
        bar: `${row.workload} -j${row.jobs}: ≤ 7× make`,
        figure: `${s(ours.wallMs)} vs ${s(row.tools.make.wallMs * 7)} allowed (make ${s(row.tools.make.wallMs)}; ${ratio(ours.wallMs, row.tools.make.wallMs)})`,
        met: ours.wallMs <= row.tools.make.wallMs * 7,
      });
    }
    // What a task costs beyond the fixed cost of a run (start-up, loading, the summary).
    if (ours && one && row.tasks > 1 && !row.workload.startsWith('chain')) perTask[row.tasks] = (ours.wallMs - one.wallMs) / row.tasks;
  }
  if (perTask[500] && perTask[2000]) {
    checks.push({
      bar: '2,000 independent `true` cost no more per task than 500 (within 10 % for noise)',
      figure: `${perTask[2000].toFixed(2)} ms vs ${perTask[500].toFixed(2)} ms per task`,
      met: perTask[2000] <= perTask[500] * 1.1,
    });
  }
  const startup = results.overhead.find((row) => row.tools['node -e 0']);
  if (startup) {
    const floor = startup.tools['node -e 0'].wallMs;
    for (const id of ['stagerun --version', 'stagerun --help', 'stagerun --list']) {
      const tool = startup.tools[id];
      if (!tool) continue;
      checks.push({
        bar: `\`${id}\` ≤ \`node -e 0\` + 30 ms`,
        figure: `${s(tool.wallMs)} vs ${s(floor + 30)} allowed (+${(tool.wallMs - floor).toFixed(0)} ms)`,
        met: tool.wallMs <= floor + 30,
      });
    }
    if (one)
      checks.push({
        bar: 'one-task .ts run ≤ `node -e 0` + 150 ms',
        figure: `${s(one.wallMs)} vs ${s(floor + 150)} allowed (+${(one.wallMs - floor).toFixed(0)} ms)`,
        met: one.wallMs <= floor + 150,
      });
  }
  for (const row of results.hashing?.filter((each) => each.large) ?? []) {
    const ours = Object.values(row.tools)[0];
    if (ours?.peakKb)
      checks.push({ bar: `${row.workload}: a run hashes it in under 500 MB`, figure: mb(ours.peakKb), met: ours.peakKb < 500 * 1024 });
  }
  const [lines, long, slow] = results.output ?? [];
  if (lines) {
    const [ours, sed] = Object.values(lines.tools);
    if (ours && sed)
      checks.push({
        bar: `${lines.workload}: within 3× sed`,
        figure: `${s(ours.wallMs)} vs ${s(sed.wallMs * 3)} allowed (${ratio(ours.wallMs, sed.wallMs)})`,
        met: ours.wallMs <= sed.wallMs * 3,
      });
  }
  if (long) {
    const ours = Object.values(long.tools)[0];
    if (ours)
      checks.push({
        bar: `${long.workload}: a few seconds, bounded memory`,
        figure: `${s(ours.wallMs)}, ${mb(ours.peakKb)}`,
        met: ours.wallMs < 5000,
      });
  }
  if (slow) {
    const ours = Object.values(slow.tools)[0];
    if (ours?.peakKb) checks.push({ bar: `${slow.workload}: ≤ 300 MB`, figure: mb(ours.peakKb), met: ours.peakKb <= 300 * 1024 });
  }
  const unchangedHashing = results.hashing?.find((row) => row.workload.includes('nothing changed'));
  if (unchangedHashing) {
    checks.push({
      bar: '10,000 unchanged inputs hashed (in-process) in under 0.2 s',
      figure: s(unchangedHashing.inProcessMs),
      met: unchangedHashing.inProcessMs < 200,
    });
  }
  for (const row of results.contention ?? []) {
    checks.push({
      bar: `CPU-bound workload -j${row.jobs} on ${row.cores} cores: simulated within 10 % of measured`,
      figure: `${s(row.simulatedMs)} vs ${s(row.measuredMs)}`,
      met: row.error <= 0.1,
    });
  }
  for (const row of results.accuracy ?? []) {
    checks.push({
      bar: `seed -j${row.jobs} ${row.schedule}: simulated within 2 % of measured`,
      figure: `${s(row.simulatedMs)} vs ${s(row.measuredMs)}`,
      met: row.error <= 0.02,
    });
  }
  for (const row of results.history ?? []) {
    const [large, none] = Object.values(row.tools);
    if (large && none) {
      checks.push({
        bar: `${row.workload} beside a ${Math.round(row.historyBytes / 2 ** 20)} MB history: ≤ 1.25× the time beside none`,
        figure: `${s(large.wallMs)} vs ${s(none.wallMs)}`,
        met: large.wallMs <= none.wallMs * 1.25,
      });
      checks.push({
        bar: `${row.workload} beside a ${Math.round(row.historyBytes / 2 ** 20)} MB history: ≤ 1.25× the memory beside none`,
        figure: `${mb(large.peakKb)} vs ${mb(none.peakKb)}`,
        met: large.peakKb <= none.peakKb * 1.25,
      });
    }
  }
  for (const row of results.scale) {
    const make = Object.entries(row.tools).find(([id]) => id.startsWith('make'))?.[1];
    for (const [id, tool] of Object.entries(row.tools)) {
      if (!id.startsWith('stagerun')) continue;
      if (make && id.includes('--dry-run')) {
        // The plan is a graphology graph (its share is in the libraries' table); the bar allows for it.
        checks.push({
          bar: `${row.tasks.toLocaleString('en')} tasks, ${id.replace('stagerun ', '')}: ≤ 4× make -n`,
          figure: `${s(tool.wallMs)} vs ${s(make.wallMs * 4)} allowed (${ratio(tool.wallMs, make.wallMs)})`,
          met: tool.wallMs <= make.wallMs * 4,
        });
      }
      checks.push({
        bar: `${row.tasks.toLocaleString('en')} tasks, ${id.replace('stagerun ', '')}: < 1 GB`,
        figure: mb(tool.peakKb),
        met: tool.peakKb < 2 ** 20,
      });
    }
  }
  return checks;
}

export function renderResults(results) {
  const out = [];
  const { machine, versions } = results;
  out.push(
    `Measured ${results.date.slice(0, 10)} on ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}.`,
    `node ${versions.node}; ${versions.make ?? 'make: not found'}; ninja ${versions.ninja ?? 'not found'}; ${versions.just ?? 'just: not found'}.`,
    'Medians; each round runs every tool once, in a rotating order. Wall time of the whole command unless noted.',
  );
  if (results.scheduling.length) {
    const peers = ['make', 'make (staged)', 'ninja', 'just'];
    out.push('', `### Scheduling quality (tasks \`sleep\`; ${results.runs.scheduling} runs)`, '');
    out.push(
      table(
        [
          'workload',
          '-j',
          'lower bound',
          'best found',
          'stagerun dag (makespan)',
          'stagerun dag',
          'stagerun dag, no history',
          'stagerun stages',
          ...peers,
          'dag / make',
          'dag / ninja',
        ],
        results.scheduling.map((row) => [
          row.workload,
          String(row.jobs),
          s(row.lowerBoundMs),
          `${s(row.bestMs)}${row.exhaustive ? '' : '*'}`,
          s(row.tools['stagerun dag']?.makespanMs),
          cell(row.tools['stagerun dag']),
          cell(row.tools['stagerun dag, no history']),
          cell(row.tools['stagerun stages']),
          ...peers.map((peer) => cell(row.tools[peer])),
          ratio(row.tools['stagerun dag']?.wallMs, row.tools.make?.wallMs),
          ratio(row.tools['stagerun dag']?.wallMs, row.tools.ninja?.wallMs),
        ]),
      ),
    );
    out.push(
      '',
      '- "lower bound" is max(critical path, total work / N). "best found" is the best schedule over every priority order (* : over 5,000 random and longest-first orders, for larger DAGs); where it is above the bound, no schedule reaches the bound.',
      "- \"stagerun dag (makespan)\" is the run's own makespan, from its first task's start to its last task's end. Every other column is wall time, start-up included (about 0.15 s for stagerun, a few ms for the others).",
      '- "stagerun dag" runs with history, as every run after the first does: priorities weigh each task by its recorded duration. "no history" is a first run in a fresh project, where every task weighs the same.',
      '- "make (staged)" is the barrier Makefile of the story. "dag / make" and "dag / ninja" compare wall times.',
    );
  }
  if (results.overhead.length) {
    out.push('', `### Overhead (tasks \`true\`; ${results.runs.overhead} runs, start-up ${results.runs.overhead * 3})`, '');
    out.push(
      table(
        ['workload', '-j', 'stagerun', 'make', 'ninja', 'just', 'stagerun / make', 'stagerun / ninja'],
        results.overhead
          .filter((row) => !row.tools['node -e 0'])
          .map((row) => {
            const ours = row.tools['stagerun dag'];
            return [
              row.workload,
              String(row.jobs),
              cell(ours),
              cell(row.tools.make),
              cell(row.tools.ninja),
              cell(row.tools.just),
              ratio(ours?.wallMs, row.tools.make?.wallMs),
              ratio(ours?.wallMs, row.tools.ninja?.wallMs),
            ];
          }),
      ),
    );
    const startup = results.overhead.find((row) => row.tools['node -e 0']);
    if (startup) {
      const floor = startup.tools['node -e 0'].wallMs;
      out.push(
        '',
        table(
          ['start-up', 'time', 'over `node -e 0`'],
          Object.entries(startup.tools).map(([id, tool]) => [
            id,
            cell(tool),
            id === 'node -e 0' ? '' : `+${(tool.wallMs - floor).toFixed(0)} ms`,
          ]),
        ),
      );
    }
  }
  if (results.scale.length) {
    out.push('', `### Scale (no processes; ${results.runs.scale} runs)`, '');
    for (const row of results.scale) {
      out.push(
        table(
          [`workload: ${row.workload}`, 'time', 'peak memory'],
          Object.entries(row.tools).map(([id, tool]) => [id, cell(tool), mb(tool.peakKb)]),
        ),
      );
    }
  }
  if (results.history?.length) {
    out.push('', `### History (${results.runs.history} runs)`, '');
    for (const row of results.history) {
      out.push(
        table(
          [`workload: ${row.workload}`, 'time', 'peak memory'],
          Object.entries(row.tools).map(([id, tool]) => [id, cell(tool), mb(tool.peakKb)]),
        ),
      );
    }
  }
  if (results.contention?.length) {
    out.push(
      '',
      `### CPU contention (bench/workloads/contention: busy loops and sleeps; measured ${results.runs.contention}×, then simulated from those runs)`,
      '',
    );
    out.push(
      table(
        ['-j', 'measured (median)', 'noise (max−min)', 'simulated', 'error', 'cores busy', 'without the CPU model', 'its error'],
        results.contention.map((row) => [
          String(row.jobs) + (row.picked ? ' (pick)' : ''),
          s(row.measuredMs),
          `${(row.noise * 100).toFixed(1)} %`,
          s(row.simulatedMs),
          `${(row.error * 100).toFixed(1)} %`,
          row.coresBusy === null ? '–' : `${row.coresBusy.toFixed(1)} of ${row.cores}`,
          s(row.naiveMs),
          `${(row.naiveError * 100).toFixed(1)} %`,
        ]),
      ),
    );
  }
  if (results.accuracy?.length) {
    out.push('', '### Simulation accuracy (the seed example, 1 s deploys: measured, then simulated from those runs)', '');
    out.push(
      table(
        ['-j', 'schedule', 'measured', 'simulated', 'error'],
        results.accuracy.map((row) => [
          String(row.jobs),
          row.schedule,
          s(row.measuredMs),
          s(row.simulatedMs),
          `${(row.error * 100).toFixed(1)} %`,
        ]),
      ),
    );
  }
  if (results.hashing?.length) {
    out.push('', `### Hashing inputs (${results.runs.hashing} runs)`, '');
    out.push(
      table(
        ['workload', 'stagerun keys, in-process', 'stagerun hash (whole command)', 'git hash-object --stdin-paths', 'find | sha256sum'],
        results.hashing
          .filter((row) => !row.large)
          .map((row) => {
            const [ours, git, find] = Object.values(row.tools);
            return [row.workload, s(row.inProcessMs), cell(ours), cell(git), cell(find)];
          }),
      ),
    );
    const large = results.hashing.filter((row) => row.large);
    if (large.length > 0) {
      out.push('');
      out.push(
        table(
          ['workload', 'stagerun (a whole run)', 'peak memory', 'sha256sum', 'peak memory'],
          large.map((row) => {
            const [ours, sum] = Object.values(row.tools);
            return [row.workload, s(ours?.wallMs), mb(ours?.peakKb), s(sum?.wallMs), mb(sum?.peakKb)];
          }),
        ),
      );
    }
    out.push(
      '',
      '- "in-process" is the hashing alone (listing, stat, reading what changed); the whole command adds Node\'s start-up, loading the deployfile and planning.',
      '- git hash-object and the find script read and hash every file every time: they have no record of what was hashed before.',
    );
  }
  if (results.libraries) {
    const { processes, planning } = results.libraries;
    out.push('', `### The prescribed libraries' cost (in-process; ${results.runs.libraries} runs)`, '');
    out.push(
      table(
        ['what', 'with the library', 'without', 'the library adds'],
        [
          [
            `one \`true\` process, ${processes.count} at concurrency 2`,
            `${processes.execaMs.toFixed(2)} ms (execa)`,
            `${processes.spawnMs.toFixed(2)} ms (child_process.spawn)`,
            `${(processes.execaMs - processes.spawnMs).toFixed(2)} ms per process`,
          ],
          [
            `planning ${planning.tasks.toLocaleString('en')} tasks (validate and plan)`,
            s(planning.planMs),
            s(planning.planMs - planning.graphMs),
            `${s(planning.graphMs)} (${((planning.graphMs / planning.planMs) * 100).toFixed(0)} %): the DirectedGraph and graphology-dag's order`,
          ],
        ],
      ),
    );
  }
  if (results.html) {
    out.push('', `### The HTML report (in-process; ${results.runs.html} runs)`, '');
    out.push(
      table(
        ['tasks', 'layout', 'drawing the page', 'page size', 'per task'],
        results.html.map((row) => [
          row.tasks.toLocaleString('en'),
          row.tasks > 400 ? 'stage columns, declaration order' : 'dagre',
          `${row.ms.toFixed(0)} ms`,
          `${(row.bytes / 1024).toFixed(0)} KB`,
          `${(row.perTaskBytes / 1024).toFixed(2)} KB`,
        ]),
      ),
    );
  }
  if (results.output) {
    out.push('', `### Output (${results.runs.output} runs)`, '');
    out.push(
      table(
        ['workload', 'stagerun', 'peak memory', 'sed alone', 'peak memory', 'stagerun / sed'],
        results.output.map((row) => {
          const [ours, sed] = Object.values(row.tools);
          return [row.workload, s(ours?.wallMs), mb(ours?.peakKb), s(sed?.wallMs), mb(sed?.peakKb), ratio(ours?.wallMs, sed?.wallMs)];
        }),
      ),
    );
  }
  const checks = bars(results);
  if (checks.length) {
    out.push(
      '',
      '### Bars',
      '',
      table(
        ['bar', 'figure', 'met'],
        checks.map((check) => [check.bar, check.figure, check.met ? 'yes' : '**no**']),
      ),
    );
  }
  return out.join('\n');
}
