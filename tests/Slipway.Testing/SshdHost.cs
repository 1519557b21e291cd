using System.Diagnostics;

namespace Slipway.Testing;

/// <summary>One running sshd of an <see cref="SshdFixture"/>.</summary>
public sealed class SshdHost
{
    internal SshdHost(int index, string dir, int port, Process process, string hostKeyPublic)
    {
        Index = index;
        Dir = dir;
        Port = port;
        Process = process;
        HostKeyPublic = hostKeyPublic;
    }

    public int Index { get; }

    public string Dir { get; }

    public int Port { get; }

    /// <summary>The host key's public line, <c>ssh-ed25519 AAAA…</c>.</summary>
    public string HostKeyPublic { get; }

    public string LogPath => Path.Combine(Dir, "sshd.log");

    public string ConfigPath => Path.Combine(Dir, "sshd_config");

    /// <summary>The line this host has in known_hosts.</summary>
    public string KnownHostsLine => $"[127.0.0.1]:{Port} {HostKeyPublic}";

    internal Process Process { get; set; }

    public int Pid => Process.Id;
}
