/**
 * mediasoup-client devices, loaded once per page for each set of router capabilities. Loading one
 * probes the browser with a throw-away peer connection (tens of milliseconds): every call's session
 * would otherwise pay it again while the customer is being rung. A device only describes what the
 * browser and the router can do; sessions create and close their own transports on it.
 */
import { Device } from 'mediasoup-client';
import type { types } from 'mediasoup-client';

const devices = new Map<string, Promise<Device>>();

export function deviceFor(routerRtpCapabilities: types.RtpCapabilities): Promise<Device> {
  const key = JSON.stringify(routerRtpCapabilities);
  let device = devices.get(key);
  if (!device) {
    const loading = new Device();
    device = loading.load({ routerRtpCapabilities }).then(() => loading);
    devices.set(key, device);
    device.catch(() => devices.delete(key));
  }
  return device;
}
