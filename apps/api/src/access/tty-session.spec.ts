import { TtySession, type TtyTarget } from './tty-session.js';

/** A target whose resizes finish only when the test says so, recording what reached the exec. */
function target(): { tty: TtyTarget; applied: string[]; finishResize: () => void } {
  const applied: string[] = [];
  const pending: (() => void)[] = [];
  return {
    applied,
    finishResize: () => pending.shift()?.(),
    tty: {
      resize: (cols, rows) =>
        new Promise<void>((resolve) =>
          pending.push(() => {
            applied.push(`resize ${cols}x${rows}`);
            resolve();
          }),
        ),
      stream: {
        write: (data: string | Buffer) => {
          applied.push(`input ${data.toString()}`);
          return true;
        },
      },
    },
  };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('TtySession', () => {
  it('input after a window change waits until the engine has applied it', async () => {
    const t = target();
    const session = new TtySession();
    await session.attach(t.tty);
    void session.resize(120, 40);
    const typed = session.write('stty size\n');
    await settle();
    expect(t.applied).toEqual([]); // the resize is still in flight: the input must not overtake it
    t.finishResize();
    await typed;
    expect(t.applied).toEqual(['resize 120x40', 'input stty size\n']);
  });

  it('window changes and input received before the exec is attached are applied in order once it is', async () => {
    const t = target();
    const session = new TtySession();
    const first = session.resize(100, 30);
    void session.write('a');
    void session.resize(120, 40);
    const last = session.write('b');
    await settle();
    expect(t.applied).toEqual([]);
    const attached = session.attach(t.tty);
    await settle();
    t.finishResize();
    await settle();
    t.finishResize();
    await Promise.all([first, last, attached]);
    expect(t.applied).toEqual(['resize 100x30', 'input a', 'resize 120x40', 'input b']);
  });

  it('a failed window change does not block what follows', async () => {
    const applied: string[] = [];
    const session = new TtySession();
    await session.attach({
      resize: () => Promise.reject(new Error('the shell is gone')),
      stream: { write: (d: string | Buffer) => applied.push(d.toString()) > 0 },
    });
    await expect(session.resize(80, 24)).rejects.toThrow('the shell is gone');
    await session.write('x');
    expect(applied).toEqual(['x']);
  });

  it('refuses input beyond its bound while it waits, instead of holding it all', async () => {
    const session = new TtySession({ maxQueuedBytes: 4 });
    void session.write('abc');
    await expect(session.write('de')).rejects.toThrow(/too much input/);
  });
});
