import { EDITOR_DIR, EDITOR_PORT, editorLaunchCommand, editorLogPath, editorStateDir } from './editor.js';

describe('the browser editor launch', () => {
  it('runs Berth’s own node on the workspace loopback, state and log in the home volume, in the background', () => {
    const [shell, applet, flag, script] = editorLaunchCommand('/home/dev');
    expect([shell, applet, flag]).toEqual(['/.berth/busybox', 'sh', '-c']);
    expect(script).toContain(`'${EDITOR_DIR}/bin/node' '${EDITOR_DIR}/node_modules/code-server/out/node/entry.js'`);
    expect(script).toContain(`--bind-addr 127.0.0.1:${EDITOR_PORT} --auth none`);
    expect(script).toContain("--user-data-dir '/home/dev/.local/share/code-server/data'");
    expect(script).toContain(`>>'${editorLogPath('/home/dev')}' 2>&1 &`);
    expect(script).toMatch(/<\/dev\/null/);
  });

  it('keeps its state under the home path, whatever its trailing slash', () => {
    expect(editorStateDir('/workspace/')).toBe('/workspace/.local/share/code-server');
  });
});
