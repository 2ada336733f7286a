// SPDX-License-Identifier: GPL-2.0
// Check CSAF 2.0 documents with BSI's csaf-validator-lib: its JSON schema
// (strict) and every mandatory test must pass.  Usage: node
// validate-csaf.mjs LIBDIR FILE...  Prints one line per file and per
// finding; exits 1 if one fails.
import { readFileSync } from 'node:fs'

const [lib, ...files] = process.argv.slice(2)
const { default: validateStrict } = await import(`${lib}/validateStrict.js`)
const mandatory = await import(`${lib}/mandatoryTests.js`)
const { csaf_2_0_strict } = await import(`${lib}/schemaTests.js`)
const tests = [csaf_2_0_strict, ...Object.values(mandatory)]

let failed = 0
for (const file of files) {
  const result = await validateStrict(tests, JSON.parse(readFileSync(file, 'utf8')))
  console.log(`${result.isValid ? 'valid' : 'INVALID'} ${file}`)
  for (const test of result.tests)
    for (const e of [...test.errors, ...test.warnings])
      console.log(`  ${test.name}: ${e.instancePath} ${e.message}`)
  if (!result.isValid) failed++
}
process.exit(failed ? 1 : 0)
