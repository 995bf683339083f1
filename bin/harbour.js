#!/usr/bin/env node
'use strict';
// The CLI runs the compiled JavaScript: `npm install` builds it (prepare), `npm start` rebuilds it.
require('../dist/src/cli/main.js').run(process.argv);
