// LLVMFuzzerRunDriver is defined by libFuzzer, linked in with -sanitize=fuzzer.
#include "CFuzzerDriver.h"
