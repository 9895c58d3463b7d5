/** Approval gates on the command line: asked on the terminal when there is one, else refused with the flag to pass. */
import type { Approver } from '../lib/schedule/approvals.js';
import type { AskingScreen } from './terminal.js';

export function promptApprover(screen: AskingScreen): Approver {
  return {
    request(task, question, signal) {
      if (!screen.canAsk)
        return { approved: false, reason: `no terminal to ask on; pass --approve ${task.name} (or --approve-all) to approve it` };
      return screen
        .ask(`? ${question} [${task.name}] (y/N) `, signal as AbortSignal)
        .then((answer) =>
          /^y(es)?$/i.test(answer.trim()) ? { approved: true, by: 'the prompt' } : { approved: false, reason: 'declined at the prompt' },
        );
    },
  };
}
