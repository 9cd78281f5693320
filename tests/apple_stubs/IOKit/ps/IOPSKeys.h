/* Stand-in for <IOKit/ps/IOPSKeys.h> (syntax checks on Linux only): the two values parbench
 * compares with. Source: IOPSKeys.h in Apple's SDK and IOKitUser ("Power Source State" values). */
#ifndef PB_STUB_IOPSKEYS_H
#define PB_STUB_IOPSKEYS_H

#define kIOPSACPowerValue "AC Power"
#define kIOPSBatteryPowerValue "Battery Power"

#endif
