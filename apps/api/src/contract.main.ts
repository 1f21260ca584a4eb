import { writeFile } from 'node:fs/promises';
import { GENERATED_CONTRACT, generateContractTypes } from './contract-types.js';

/** `npm run contract`: regenerates libs/contract/src/generated/openapi.ts from the API's code. */
await writeFile(GENERATED_CONTRACT, await generateContractTypes());
process.stdout.write(`wrote ${GENERATED_CONTRACT}\n`);
process.exit(0);
