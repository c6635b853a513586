import assert from 'node:assert/strict';

/** Asserts that `promise` rejects with a coded error: its code, a message matching `message`, and a hint. */
export async function rejectsWithCode(promise: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(promise, (error: any) => {
    assert.equal(error.code, code, `${error.code}: ${error.message}`);
    if (message) assert.match(error.message, message);
    assert.ok(error.hint, 'the error says what to do');
    return true;
  });
}
