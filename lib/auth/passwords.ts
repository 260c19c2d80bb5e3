import bcrypt from 'bcryptjs';

// bcrypt with cost 10: about 60–80 ms a hash on this machine's cores, slow
// enough to make offline guessing expensive, fast enough for a sign-in.
const COST = 10;

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, COST);
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash);
}

// Compared against when the username does not exist, so an unknown user
// costs the same time as a wrong password and usernames cannot be probed by timing.
let dummyHash: Promise<string> | undefined;

export async function burnPasswordCheck(password: string): Promise<false> {
  dummyHash ??= bcrypt.hash('not-a-real-password', COST);
  await bcrypt.compare(password, await dummyHash);
  return false;
}
