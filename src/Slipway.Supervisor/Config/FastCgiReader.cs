using System.Globalization;
using System.Text.RegularExpressions;

namespace Slipway.Supervisor.Config;

/// <summary>
/// The socket of an <c>[fcgi-program:x]</c> group, which the daemon binds and hands to every child as fd 0.
/// Two configs are the same socket when their <see cref="Url"/> is (supervisord's SocketConfig equality).
/// </summary>
public sealed record FastCgiSocketConfig
{
    /// <summary>SOMAXCONN, supervisord's listen backlog when <c>socket_backlog</c> is not set.</summary>
    public const int DefaultBacklog = 4096;

    /// <summary><c>tcp://host:port</c> (host lower-cased) or <c>unix:///abs/path</c>: how supervisord names it in its log.</summary>
    public required string Url { get; init; }

    /// <summary>The TCP host (null for a unix socket).</summary>
    public string? Host { get; init; }

    public int Port { get; init; }

    /// <summary>The unix socket's absolute path (null for TCP).</summary>
    public string? Path { get; init; }

    public int Backlog { get; init; } = DefaultBacklog;

    /// <summary>chown of the unix socket file: (uid, gid), -1 leaving one unchanged; null for none.</summary>
    public (int Uid, int Gid)? Owner { get; init; }

    /// <summary>chmod of the unix socket file (0700 by default; null for TCP).</summary>
    public int? Mode { get; init; }
}

/// <summary>The <c>socket*</c> options of an <c>[fcgi-program:x]</c> section, with supervisord's checks and wording (options.py).</summary>
internal static partial class FastCgiReader
{
    /// <summary>
    /// Reads the socket of <paramref name="s"/>. <paramref name="names"/> are the expansions supervisord allows here:
    /// the ENV_ variables, <c>here</c> and <c>program_name</c>.
    /// </summary>
    public static FastCgiSocketConfig Read(IniSection s, IReadOnlyDictionary<string, string> names)
    {
        var r = new SectionReader(s, s.Name, names);
        int? procUid = null;
        if (r.Get<string?>("user", v => v, null) is { } user && Native.PosixUser.UserEntry(user) is { } entry)
        {
            procUid = (int)entry.Uid;
        }

        var backlog = r.Get<int?>("socket_backlog", v => DataTypes.WholeNumber(v), null);
        if (backlog is < 1 or > 65535)
        {
            throw r.Error("socket_backlog", $"Invalid socket_backlog value {backlog.Value.ToString(CultureInfo.InvariantCulture)}");
        }

        var owner = r.Get<(int, int)?>("socket_owner", Owner, null);
        var mode = r.Get<int?>("socket_mode", v =>
        {
            try
            {
                return DataTypes.Octal(v);
            }
            catch (FormatException)
            {
                throw new FormatException($"Invalid socket_mode value {v}");
            }
        }, null);
        var socket = r.Get<string?>("socket", v => v, null);
        if (string.IsNullOrEmpty(socket))
        {
            throw r.Error("socket", $"[{s.Name}] section requires a \"socket\" line");
        }

        FormatException Bad(string problem) => new($"{problem} in [{s.Name}] socket");
        return r.Get("socket", v =>
        {
            if (v.StartsWith("unix://", StringComparison.Ordinal))
            {
                var path = v[7..];
                if (!System.IO.Path.IsPathRooted(path))
                {
                    throw Bad($"Unix socket path {path} is not an absolute path");
                }

                if (owner is null && procUid is { } uid && uid != (int)Native.Posix.geteuid())
                {
                    owner = (uid, (int)Native.PosixUser.UserEntry(uid.ToString(CultureInfo.InvariantCulture))!.Value.Gid);
                }

                path = System.IO.Path.GetFullPath(path);
                return new FastCgiSocketConfig { Url = "unix://" + path, Path = path, Backlog = backlog ?? FastCgiSocketConfig.DefaultBacklog, Owner = owner, Mode = mode ?? Convert.ToInt32("700", 8) };
            }

            if (owner is not null || mode is not null)
            {
                throw Bad("socket_owner and socket_mode params should only be used with a Unix domain socket");
            }

            var m = TcpPattern().Match(v);
            if (!m.Success)
            {
                throw Bad($"Bad socket format {v}");
            }

            var host = m.Groups[1].Value.ToLowerInvariant();
            var portText = m.Groups[2].Value.TrimStart('0');
            var port = portText.Length == 0 ? 0 : portText.Length > 9 ? int.MaxValue : int.Parse(portText, CultureInfo.InvariantCulture);
            if (port < 1)
            {
                throw Bad($"{port} is below lower bound (1)");
            }

            if (port > 65535)
            {
                throw Bad($"{m.Groups[2].Value.TrimStart('0')} is above upper bound (65535)");
            }

            return new FastCgiSocketConfig { Url = $"tcp://{host}:{port.ToString(CultureInfo.InvariantCulture)}", Host = host, Port = port, Backlog = backlog ?? FastCgiSocketConfig.DefaultBacklog };
        }, null!);
    }

    /// <summary><c>user</c> or <c>user:group</c> (names or ids): (uid, -1) or (uid, gid), as colon_separated_user_group.</summary>
    private static (int, int)? Owner(string value)
    {
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        var user = colon < 0 ? value : value[..colon];
        if (Native.PosixUser.UserEntry(user) is not { } entry)
        {
            throw new FormatException($"Invalid socket_owner value {value}");
        }

        if (colon < 0)
        {
            return ((int)entry.Uid, -1);
        }

        var group = value[(colon + 1)..];
        return Native.PosixUser.Group(group) is { } gid ? ((int)entry.Uid, (int)gid) : throw new FormatException($"Invalid socket_owner value {value}");
    }

    [GeneratedRegex(@"^tcp://([^\s:]+):([0-9]+)$")]
    private static partial Regex TcpPattern();
}
