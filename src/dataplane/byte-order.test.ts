import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readU16BE, readU16LE, readU32BE, readU32LE, writeU16BE, writeU16LE, writeU32BE, writeU32LE } from './byte-order.js';

// Node's Buffer readers and writers are the independent reference.
const samples16 = [0, 1, 0x00ff, 0x0100, 0x1234, 0x8000, 0xfffe, 0xffff];
const samples32 = [0, 1, 0xff, 0x100, 0x12345678, 0x7fffffff, 0x80000000, 0xa1b2c3d4, 0xfffffffe, 0xffffffff];

describe('byte-order', () => {
  it('writes 16-bit fields in each order, touching only their two bytes', () => {
    for (const value of samples16) {
      const bytes = new Uint8Array(6);
      writeU16BE(bytes, 1, value);
      writeU16LE(bytes, 3, value);
      const buffer = Buffer.from(bytes);
      assert.equal(buffer.readUInt16BE(1), value);
      assert.equal(buffer.readUInt16LE(3), value);
      assert.equal(bytes[0], 0);
      assert.equal(bytes[5], 0);
    }
  });

  it('writes 32-bit fields in each order, with the top bit set or not', () => {
    for (const value of samples32) {
      const bytes = new Uint8Array(10);
      writeU32BE(bytes, 1, value);
      writeU32LE(bytes, 5, value);
      const buffer = Buffer.from(bytes);
      assert.equal(buffer.readUInt32BE(1), value);
      assert.equal(buffer.readUInt32LE(5), value);
      assert.equal(bytes[0], 0);
      assert.equal(bytes[9], 0);
    }
  });

  it('reads what Buffer wrote, as unsigned numbers', () => {
    for (const value of samples16) {
      const buffer = Buffer.alloc(4);
      buffer.writeUInt16BE(value, 0);
      buffer.writeUInt16LE(value, 2);
      assert.equal(readU16BE(buffer, 0), value);
      assert.equal(readU16LE(buffer, 2), value);
    }
    for (const value of samples32) {
      const buffer = Buffer.alloc(8);
      buffer.writeUInt32BE(value, 0);
      buffer.writeUInt32LE(value, 4);
      assert.equal(readU32BE(buffer, 0), value);
      assert.equal(readU32LE(buffer, 4), value);
    }
  });
});
