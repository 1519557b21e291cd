using System.Globalization;
using System.Runtime.InteropServices;

namespace Slipway.Supervisor.Native;

/// <summary>Users and groups: <c>chown=</c> of the socket and <c>[supervisord] user=</c> (dropping root).</summary>
internal static partial class PosixUser
{
    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int chown(string path, uint owner, uint group);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setuid(uint uid);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setgid(uint gid);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int initgroups(string user, uint group);

    /// <summary><c>user</c> or <c>user:group</c> (names or numbers) → ids; the group defaults to the user's primary group.</summary>
    public static (uint Uid, uint Gid) UserAndGroup(string spec)
    {
        var colon = spec.IndexOf(':', StringComparison.Ordinal);
        var user = colon < 0 ? spec : spec[..colon];
        var (uid, gid) = User(user) ?? throw new FormatException($"Invalid user name {user}");
        if (colon >= 0)
        {
            var group = spec[(colon + 1)..];
            gid = Group(group) ?? throw new FormatException($"Invalid group name {group}");
        }

        return (uid, gid);
    }

    public static (uint Uid, uint Gid, string Name)? UserEntry(string user)
    {
        foreach (var line in File.ReadLines("/etc/passwd"))
        {
            var parts = line.Split(':');
            if (parts.Length >= 4 && (parts[0] == user || parts[2] == user))
            {
                return (uint.Parse(parts[2], CultureInfo.InvariantCulture), uint.Parse(parts[3], CultureInfo.InvariantCulture), parts[0]);
            }
        }

        return null;
    }

    private static (uint Uid, uint Gid)? User(string user) => UserEntry(user) is { } e ? (e.Uid, e.Gid) : null;

    internal static uint? Group(string group)
    {
        foreach (var line in File.ReadLines("/etc/group"))
        {
            var parts = line.Split(':');
            if (parts.Length >= 3 && (parts[0] == group || parts[2] == group))
            {
                return uint.Parse(parts[2], CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    /// <summary>chown(2); null on success, else the error.</summary>
    public static string? Chown(string path, uint uid, uint gid) =>
        chown(path, uid, gid) == 0 ? null : Posix.StrError(Posix.Errno);

    /// <summary>
    /// supervisord's set_uid_or_exit: as root, switch to the user (its groups, then its uid); as another user,
    /// only that same user is accepted. Null on success, else supervisord's message.
    /// </summary>
    public static string? DropPrivileges(string user)
    {
        if (UserEntry(user) is not { } entry)
        {
            return $"Invalid user name {user}";
        }

        if (Posix.geteuid() != 0)
        {
            return entry.Uid == Posix.geteuid() ? null : "Can't drop privilege as nonroot user";
        }

        if (setgid(entry.Gid) != 0 || initgroups(entry.Name, entry.Gid) != 0)
        {
            return $"Could not set group id of effective user to {entry.Gid}: {Posix.StrError(Posix.Errno)}";
        }

        return setuid(entry.Uid) == 0 ? null : $"Could not set user id of effective user to {entry.Uid}: {Posix.StrError(Posix.Errno)}";
    }
}
