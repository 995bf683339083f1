#!/usr/bin/env -S node --max-old-space-size=384
'use strict';
// The CLI runs the compiled JavaScript: `npm install` builds it (prepare), `npm start` rebuilds it.
// The heap is held to 384 MB: left unbounded, V8 lets a 1M-row `harbour sync` grow past 500 MB
// of garbage it has no reason to collect yet (peak RSS 516 MB; 364 MB with the cap, same speed).
require('../dist/src/cli/main.js').run(process.argv);
