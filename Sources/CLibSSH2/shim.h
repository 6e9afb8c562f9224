#ifndef K8SCTL_CLIBSSH2_SHIM_H
#define K8SCTL_CLIBSSH2_SHIM_H
#include <libssh2.h>
#include <libssh2_sftp.h>
#endif
