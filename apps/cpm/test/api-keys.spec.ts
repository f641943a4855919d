import { expect } from 'chai';
import { parseApiKeys, roleAllows } from '../src/auth/api-keys.js';
import { CpmConfigError } from '../src/errors.js';
import { apiKeysText, keys } from './helpers.js';

describe('TRIBUTARY_API_KEYS', () => {
  it('maps each key to its role, and nothing else', () => {
    const ring = parseApiKeys(apiKeysText);
    expect(ring.size).to.equal(3);
    expect(ring.roleOf(keys.admin)).to.equal('admin');
    expect(ring.roleOf(keys.operator)).to.equal('operator');
    expect(ring.roleOf(keys.viewer)).to.equal('viewer');
    expect(ring.roleOf(`${keys.viewer}x`)).to.equal(undefined);
    expect(ring.roleOf('')).to.equal(undefined);
  });

  it('orders roles viewer < operator < admin', () => {
    expect(roleAllows('admin', 'operator')).to.equal(true);
    expect(roleAllows('operator', 'operator')).to.equal(true);
    expect(roleAllows('viewer', 'operator')).to.equal(false);
  });

  it('refuses a bad list with every problem, by position, never echoing a key', () => {
    const secret = 'secret-key-0123456789';
    let caught: unknown;
    try {
      parseApiKeys(`${secret}:root,short:viewer,nocolon,${secret}:admin`);
    } catch (err) {
      caught = err;
    }
    expect(caught).to.be.instanceOf(CpmConfigError);
    const e = caught as CpmConfigError;
    expect(e.code).to.equal('TRIB_CPM_API_KEYS_INVALID');
    expect(e.issues.map((i) => i.path)).to.deep.equal([
      'TRIBUTARY_API_KEYS[0]',
      'TRIBUTARY_API_KEYS[1]',
      'TRIBUTARY_API_KEYS[2]',
      'TRIBUTARY_API_KEYS[3]',
    ]);
    expect(e.message).to.match(/unknown role "root"/).and.match(/duplicate key/).and.match(/shorter than 16/);
    expect(e.message).not.to.include(secret);
  });

  it('refuses an empty or missing list', () => {
    expect(() => parseApiKeys(undefined)).to.throw(CpmConfigError, /at least one key:role/);
    expect(() => parseApiKeys(' , ')).to.throw(CpmConfigError);
  });
});
