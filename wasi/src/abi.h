// WASI preview1 ABI constants: rights, flags, file types, struct layouts (byte
// offsets into guest memory). Values are fixed by the preview1 witx definitions.
#pragma once
#include <cstdint>

namespace wpvm::wasi {

using Rights = uint64_t;

namespace right {
inline constexpr Rights kFdDatasync = 1ull << 0;
inline constexpr Rights kFdRead = 1ull << 1;
inline constexpr Rights kFdSeek = 1ull << 2;
inline constexpr Rights kFdFdstatSetFlags = 1ull << 3;
inline constexpr Rights kFdSync = 1ull << 4;
inline constexpr Rights kFdTell = 1ull << 5;
inline constexpr Rights kFdWrite = 1ull << 6;
inline constexpr Rights kFdAdvise = 1ull << 7;
inline constexpr Rights kFdAllocate = 1ull << 8;
inline constexpr Rights kPathCreateDirectory = 1ull << 9;
inline constexpr Rights kPathCreateFile = 1ull << 10;
inline constexpr Rights kPathLinkSource = 1ull << 11;
inline constexpr Rights kPathLinkTarget = 1ull << 12;
inline constexpr Rights kPathOpen = 1ull << 13;
inline constexpr Rights kFdReaddir = 1ull << 14;
inline constexpr Rights kPathReadlink = 1ull << 15;
inline constexpr Rights kPathRenameSource = 1ull << 16;
inline constexpr Rights kPathRenameTarget = 1ull << 17;
inline constexpr Rights kPathFilestatGet = 1ull << 18;
inline constexpr Rights kPathFilestatSetSize = 1ull << 19;
inline constexpr Rights kPathFilestatSetTimes = 1ull << 20;
inline constexpr Rights kFdFilestatGet = 1ull << 21;
inline constexpr Rights kFdFilestatSetSize = 1ull << 22;
inline constexpr Rights kFdFilestatSetTimes = 1ull << 23;
inline constexpr Rights kPathSymlink = 1ull << 24;
inline constexpr Rights kPathRemoveDirectory = 1ull << 25;
inline constexpr Rights kPathUnlinkFile = 1ull << 26;
inline constexpr Rights kPollFdReadwrite = 1ull << 27;
inline constexpr Rights kSockShutdown = 1ull << 28;
inline constexpr Rights kSockAccept = 1ull << 29;
inline constexpr Rights kAll = (1ull << 30) - 1;

// What a regular file can do.
inline constexpr Rights kFileBase = kFdDatasync | kFdRead | kFdSeek | kFdFdstatSetFlags |
    kFdSync | kFdTell | kFdWrite | kFdAdvise | kFdAllocate | kFdFilestatGet |
    kFdFilestatSetSize | kFdFilestatSetTimes | kPollFdReadwrite;
// What a directory can do (no seek/tell/read/write: those are file operations).
inline constexpr Rights kDirBase = kFdFdstatSetFlags | kFdSync | kFdDatasync | kFdAdvise |
    kPathCreateDirectory | kPathCreateFile | kPathLinkSource | kPathLinkTarget | kPathOpen |
    kFdReaddir | kPathReadlink | kPathRenameSource | kPathRenameTarget | kPathFilestatGet |
    kPathFilestatSetSize | kPathFilestatSetTimes | kFdFilestatGet | kFdFilestatSetTimes |
    kPathSymlink | kPathRemoveDirectory | kPathUnlinkFile | kPollFdReadwrite;
inline constexpr Rights kDirInheriting = kDirBase | kFileBase;
// A stream (pipe, terminal, socket): no seek/tell, so wasi-libc's isatty works.
inline constexpr Rights kStreamBase = kFdRead | kFdWrite | kFdFdstatSetFlags | kFdSync |
    kFdDatasync | kFdAdvise | kFdFilestatGet | kPollFdReadwrite;
inline constexpr Rights kSocketBase = kStreamBase | kSockShutdown | kSockAccept;
}  // namespace right

enum class FileType : uint8_t {
  kUnknown = 0, kBlockDevice, kCharacterDevice, kDirectory, kRegularFile, kSocketDgram,
  kSocketStream, kSymbolicLink,
};

namespace fdflag {
inline constexpr uint16_t kAppend = 1 << 0, kDsync = 1 << 1, kNonblock = 1 << 2,
                          kRsync = 1 << 3, kSync = 1 << 4;
}
namespace oflag {
inline constexpr uint16_t kCreat = 1 << 0, kDirectory = 1 << 1, kExcl = 1 << 2, kTrunc = 1 << 3;
}
namespace fstflag {
inline constexpr uint16_t kAtim = 1 << 0, kAtimNow = 1 << 1, kMtim = 1 << 2, kMtimNow = 1 << 3;
}
inline constexpr uint32_t kLookupSymlinkFollow = 1 << 0;

enum class Whence : uint8_t { kSet = 0, kCur = 1, kEnd = 2 };
enum class ClockId : uint32_t { kRealtime = 0, kMonotonic, kProcessCputime, kThreadCputime };
enum class EventType : uint8_t { kClock = 0, kFdRead = 1, kFdWrite = 2 };
inline constexpr uint16_t kSubclockAbstime = 1;
inline constexpr uint16_t kEventFdReadwriteHangup = 1;
inline constexpr uint8_t kSdflagRd = 1, kSdflagWr = 2;
inline constexpr uint16_t kRiflagRecvPeek = 1, kRiflagRecvWaitall = 2;
inline constexpr uint16_t kRoflagRecvDataTruncated = 1;
inline constexpr uint8_t kPreopenTypeDir = 0;

// Struct sizes and field offsets in guest memory.
namespace layout {
inline constexpr uint32_t kIovecSize = 8;        // buf u32 @0, len u32 @4
inline constexpr uint32_t kFdstatSize = 24;      // filetype u8 @0, flags u16 @2, base @8, inh @16
inline constexpr uint32_t kFilestatSize = 64;    // dev @0 ino @8 type u8 @16 nlink @24 size @32
                                                 // atim @40 mtim @48 ctim @56
inline constexpr uint32_t kDirentSize = 24;      // next @0 ino @8 namlen u32 @16 type u8 @20
inline constexpr uint32_t kPrestatSize = 8;      // tag u8 @0, name_len u32 @4
inline constexpr uint32_t kSubscriptionSize = 48;  // userdata @0, tag u8 @8, union @16
inline constexpr uint32_t kEventSize = 32;       // userdata @0 error u16 @8 type u8 @10
                                                 // nbytes @16 flags u16 @24
}  // namespace layout

}  // namespace wpvm::wasi
