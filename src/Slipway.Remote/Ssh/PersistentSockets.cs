namespace Slipway.Remote.Ssh;

/// <summary>
/// The directory of control sockets that outlive a run (<c>ssh.control_persist</c>): <c>~/.slipway/cm</c>, mode 0700.
/// A socket there is a logged-in session on a host, so it lives under the user's home rather than a shared /tmp
/// where another user could have made the directory first.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal static class PersistentSockets
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public static string Directory()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var parent = System.IO.Directory.CreateDirectory(Path.Combine(home, ".slipway"), OwnerOnly);
        var info = System.IO.Directory.CreateDirectory(Path.Combine(parent.FullName, "cm"), OwnerOnly);
        if (info.UnixFileMode != OwnerOnly)
        {
            info.UnixFileMode = OwnerOnly;
        }

        // Unix socket paths are capped at 108 bytes: ControlSocketName adds 30, and ssh binds a temporary name.XXXXXXXXXXXXXXXX (17 more) first.
        if (info.FullName.Length > 60)
        {
            throw new InvalidOperationException(
                $"ssh.control_persist: the control socket directory {info.FullName} is too long for unix sockets; set control_persist: 0");
        }

        return info.FullName;
    }
}
