// The WASI preview1 errno table and the mapping from host (Linux) errno values.
// Numbering is fixed by the preview1 ABI (witx `errno`), so the enum is the ABI.
#pragma once
#include <cstdint>

namespace wpvm::wasi {

enum class Errno : uint16_t {
  kSuccess = 0, k2big, kAcces, kAddrinuse, kAddrnotavail, kAfnosupport, kAgain, kAlready,
  kBadf, kBadmsg, kBusy, kCanceled, kChild, kConnaborted, kConnrefused, kConnreset, kDeadlk,
  kDestaddrreq, kDom, kDquot, kExist, kFault, kFbig, kHostunreach, kIdrm, kIlseq, kInprogress,
  kIntr, kInval, kIo, kIsconn, kIsdir, kLoop, kMfile, kMlink, kMsgsize, kMultihop, kNametoolong,
  kNetdown, kNetreset, kNetunreach, kNfile, kNobufs, kNodev, kNoent, kNoexec, kNolck, kNolink,
  kNomem, kNomsg, kNoprotoopt, kNospc, kNosys, kNotconn, kNotdir, kNotempty, kNotrecoverable,
  kNotsock, kNotsup, kNotty, kNxio, kOverflow, kOwnerdead, kPerm, kPipe, kProto,
  kProtonosupport, kPrototype, kRange, kRofs, kSpipe, kSrch, kStale, kTimedout, kTxtbsy, kXdev,
  kNotcapable,
};

// Maps a host errno (as left in ::errno by a failed syscall) to its preview1 value.
// Unknown values become kIo so a guest never sees a number outside the table.
Errno errno_from_host(int host_errno);

// The preview1 name ("badf", "notcapable"), for diagnostics and tests.
const char* errno_name(Errno e);

}  // namespace wpvm::wasi
