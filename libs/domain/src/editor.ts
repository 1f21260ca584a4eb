/**
 * VS Code in the browser (code-server). Berth builds it once per machine (scripts/code-server.sh)
 * into a cache folder outside the clone, mounts that folder read-only into every workspace at
 * EDITOR_DIR, and starts it on demand inside the workspace, as the template's user, on the
 * workspace's own loopback at EDITOR_PORT. The browser reaches it through that port's app origin
 * (`<EDITOR_PORT>--<workspace>--<owner>.<apps domain>`), so the port origin's tickets, host-only
 * cookie and access rule apply; the editor port is never shared beyond the owner (it is a shell).
 */

/** Keep in step with CODE_SERVER_VERSION in scripts/code-server.sh. */
export const CODE_SERVER_VERSION = '4.139.1';

/** Where the editor folder is mounted in a workspace (read-only). */
export const EDITOR_DIR = '/.berth-editor';

/** The editor's own port on the workspace's loopback (Coder's choice of number; not published). */
export const EDITOR_PORT = 13337;

/** The read-only volume that binds the machine's code-server build into workspaces. */
export const EDITOR_VOLUME = `berth-editor-code-server-${CODE_SERVER_VERSION}`;
export const ROLE_EDITOR = 'editor';

/**
 * code-server's Node.js and its native modules are linked against glibc: a workspace can run them
 * when its image has the glibc dynamic loader at the path the binaries ask for. Checked in the
 * image's filesystem through the engine's archive API, so nothing of the image runs to find out.
 */
export const GLIBC_LOADER: Readonly<Record<string, string>> = {
  x64: '/lib64/ld-linux-x86-64.so.2',
  arm64: '/lib/ld-linux-aarch64.so.1',
};

/** Where the editor keeps its state: in the home volume, so it survives rebuilds. */
export const editorStateDir = (home: string): string => `${home.replace(/\/+$/, '')}/.local/share/code-server`;

/**
 * The editor in the background: the short-lived exec's shell starts it with its output in a log
 * file in the home volume (no pipe to a gone exec stream) and exits; the container's init adopts
 * it. Berth's own static busybox runs the shell, so the image needs none.
 */
export function editorLaunchCommand(home: string): string[] {
  const state = editorStateDir(home);
  const script = [
    `mkdir -p '${state}'`,
    `cd '${home}'`,
    `exec '${EDITOR_DIR}/bin/node' '${EDITOR_DIR}/node_modules/code-server/out/node/entry.js'` +
      ` --bind-addr 127.0.0.1:${EDITOR_PORT} --auth none --disable-telemetry --disable-update-check` +
      ` --disable-workspace-trust --user-data-dir '${state}/data' --extensions-dir '${state}/extensions'` +
      ` '${home}' </dev/null >>'${state}/berth-editor.log' 2>&1 &`,
  ].join(' && ');
  return ['/.berth/busybox', 'sh', '-c', script];
}

/** Paths are the template's homePath (validated: absolute, no quotes), so single quotes suffice. */
export const editorLogPath = (home: string): string => `${editorStateDir(home)}/berth-editor.log`;
