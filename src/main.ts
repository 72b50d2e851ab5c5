/** This repository's own cdk8s app: the example release (cdk8s.yaml runs `node lib/src/main.js`). */
import { synthApp } from './app';
import { exampleMatrix } from './example/matrix';

process.exitCode = synthApp(exampleMatrix);
