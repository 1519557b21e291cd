using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Slipway.Supervisor.Native;

/// <summary>
/// A listening stream socket as a bare descriptor, made with socket(2)/bind(2)/listen(2) rather than
/// <see cref="Socket"/>: it is handed to children as their fd 0, so it must stay blocking (a .NET socket may be
/// switched to non-blocking, and O_NONBLOCK is shared with every child) and O_CLOEXEC in the daemon (only the dup2
/// onto 0 in posix_spawn reaches a child). Errors read like Python's OSError (<c>[Errno 98] Address already in
/// use</c>), as supervisord reports them.
/// </summary>
internal static unsafe partial class ListeningSocket
{
    private const int AfUnix = 1;
    private const int AfInet = 2;
    private const int SockStream = 1;
    private const int SockCloExec = 0x80000;
    private const int SolSocket = 1;
    private const int SoReuseAddr = 2;
    private const int UnixPathMax = 108;

    /// <summary>A TCP listener on <paramref name="host"/>:<paramref name="port"/> with SO_REUSEADDR (as supervisord's create_and_bind).</summary>
    public static int Tcp(string host, int port, int backlog)
    {
        var address = Resolve(host);
        var fd = socket(AfInet, SockStream | SockCloExec, 0);
        if (fd < 0)
        {
            throw Failure(Posix.Errno);
        }

        try
        {
            var one = 1;
            if (setsockopt(fd, SolSocket, SoReuseAddr, &one, sizeof(int)) != 0)
            {
                throw Failure(Posix.Errno);
            }

            // struct sockaddr_in: family, port (network order), address (network order), 8 bytes of zero.
            var sa = stackalloc byte[16];
            new Span<byte>(sa, 16).Clear();
            *(ushort*)sa = AfInet;
            sa[2] = (byte)(port >> 8);
            sa[3] = (byte)port;
            address.GetAddressBytes().CopyTo(new Span<byte>(sa + 4, 4));
            if (bind(fd, sa, 16) != 0 || listen(fd, backlog) != 0)
            {
                throw Failure(Posix.Errno);
            }

            return fd;
        }
        catch
        {
            Posix.close(fd);
            throw;
        }
    }

    /// <summary>
    /// A unix socket at <paramref name="path"/> (a file already there is removed first, as supervisord does), then
    /// chown (uid, gid; -1 leaves one unchanged) and chmod; on failure the file is removed again.
    /// </summary>
    public static int Unix(string path, int backlog, (int Uid, int Gid)? owner, int? mode)
    {
        var bytes = Encoding.UTF8.GetBytes(path);
        if (bytes.Length >= UnixPathMax)
        {
            throw new IOException("AF_UNIX path too long");
        }

        if (File.Exists(path))
        {
            try
            {
                File.Delete(path);
            }
            catch (UnauthorizedAccessException)
            {
                throw new IOException(Python(13, path));
            }
        }

        var fd = socket(AfUnix, SockStream | SockCloExec, 0);
        if (fd < 0)
        {
            throw Failure(Posix.Errno);
        }

        var bound = false;
        try
        {
            // struct sockaddr_un: family, then the NUL-terminated path.
            var sa = stackalloc byte[2 + UnixPathMax];
            new Span<byte>(sa, 2 + UnixPathMax).Clear();
            *(ushort*)sa = AfUnix;
            bytes.CopyTo(new Span<byte>(sa + 2, bytes.Length));
            if (bind(fd, sa, 2 + bytes.Length + 1) != 0)
            {
                throw Failure(Posix.Errno);
            }

            bound = true;
            if (owner is { } o && chown(path, o.Uid, o.Gid) != 0)
            {
                throw new IOException("Could not change ownership of socket file: " + Python(Posix.Errno, path));
            }

            if (mode is { } m && chmod(path, m) != 0)
            {
                throw new IOException("Could not change permissions of socket file: " + Python(Posix.Errno, path));
            }

            if (listen(fd, backlog) != 0)
            {
                throw Failure(Posix.Errno);
            }

            return fd;
        }
        catch
        {
            Posix.close(fd);
            if (bound)
            {
                File.Delete(path);
            }

            throw;
        }
    }

    private static IPAddress Resolve(string host)
    {
        if (IPAddress.TryParse(host, out var address) && address.AddressFamily == AddressFamily.InterNetwork)
        {
            return address;
        }

        try
        {
            return Dns.GetHostAddresses(host).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
                ?? throw new IOException("[Errno -2] Name or service not known");
        }
        catch (SocketException)
        {
            throw new IOException("[Errno -2] Name or service not known");
        }
    }

    private static IOException Failure(int errno) => new(Python(errno, null));

    /// <summary>Python's str(OSError): <c>[Errno 98] Address already in use</c>, with <c>: 'path'</c> for a file error.</summary>
    private static string Python(int errno, string? path) =>
        "[Errno " + errno.ToString(CultureInfo.InvariantCulture) + "] " + Posix.StrError(errno) + (path is null ? "" : $": '{path}'");

    [LibraryImport("libc", SetLastError = true)]
    private static partial int socket(int domain, int type, int protocol);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setsockopt(int fd, int level, int name, void* value, int length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int bind(int fd, byte* address, int length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int listen(int fd, int backlog);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int chown(string path, int uid, int gid);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int chmod(string path, int mode);
}
