// The model worker: register the plugin samplers first (imports run in order), then start the stock worker.
import './register-plugins.js';
import '@nucleus/runtime-web/worker';
