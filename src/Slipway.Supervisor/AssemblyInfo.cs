using System.Runtime.Versioning;

// The daemon drives Linux directly (posix_spawn, epoll, waitpid, signals).
[assembly: SupportedOSPlatform("linux")]
