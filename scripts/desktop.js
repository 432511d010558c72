// Whether `npm start` can open the desktop window here, and if not, why and what to do. Electron is an
// optional dependency: npm leaves the package out when its binary cannot be downloaded (from github.com,
// or ELECTRON_MIRROR), and ELECTRON_SKIP_BINARY_DOWNLOAD leaves the package without its binary.

/**
 * @typedef {{ electron: string } | { reason: string, nextStep: string }} Desktop
 * @param {{ env: NodeJS.ProcessEnv, platform: NodeJS.Platform, require: NodeJS.Require, exists: (path: string) => boolean }} host
 * @returns {Desktop} the Electron binary to run, or why there is none and how to get the window
 */
export function findDesktop({ env, platform, require, exists }) {
  const explicit = env.ELECTRON_EXEC_PATH;
  if (explicit && !exists(explicit)) {
    return { reason: `ELECTRON_EXEC_PATH=${explicit} does not exist`, nextStep: 'point ELECTRON_EXEC_PATH at an Electron binary' };
  }
  const electron = explicit || electronPackageBinary(require, exists);
  if (typeof electron !== 'string') return electron;
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    return { reason: 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset)', nextStep: 'run npm start in a desktop session' };
  }
  return { electron };
}

/** The binary the electron package names (it honours ELECTRON_OVERRIDE_DIST_PATH), or why there is none. */
function electronPackageBinary(require, exists) {
  try {
    require.resolve('electron/package.json');
  } catch {
    return {
      reason: "the electron package is not installed (npm leaves it out when Electron's binary cannot be downloaded)",
      nextStep: 'run npm install again where github.com is reachable',
    };
  }
  let binary = null;
  try {
    binary = require('electron'); // the package exports the binary's path, and throws when it has none
  } catch {
    // reported below
  }
  if (typeof binary === 'string' && exists(binary)) return binary;
  return {
    reason: 'the electron package has no binary (its download was skipped or failed)',
    nextStep: 'run node node_modules/electron/install.js where github.com is reachable',
  };
}
