namespace Slipway.Core.Config;

/// <summary>
/// How Slipway reaches hosts over SSH. Every value left null falls back to what the user's OpenSSH
/// setup (<c>~/.ssh/config</c>) says, exactly as <c>ssh HOST</c> would.
/// </summary>
public sealed record SshSettings
{
    public string? User { get; init; }

    /// <summary>
    /// Private key file, as written (expand <c>~</c> with <see cref="PathExpansion.ExpandHome"/> when opening it).
    /// Null: ssh_config's IdentityFile, the agent and the default keys.
    /// </summary>
    public string? IdentityFile { get; init; }

    /// <summary>known_hosts file, as written (<c>~</c> not yet expanded). Null: OpenSSH's default (<c>~/.ssh/known_hosts</c>).</summary>
    public string? KnownHosts { get; init; }

    public HostKeyPolicy HostKeyPolicy { get; init; } = HostKeyPolicy.Strict;

    /// <summary>
    /// ssh_config file to read instead of <c>~/.ssh/config</c> (OpenSSH's <c>-F</c>), as written (<c>~</c> not yet expanded).
    /// </summary>
    public string? ConfigFile { get; init; }

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest a single remote command may run; null means no limit.</summary>
    public TimeSpan? CommandTimeout { get; init; }

    /// <summary>Most hosts worked on at once.</summary>
    public int MaxParallel { get; init; } = 20;

    /// <summary>
    /// How long each host's SSH connection stays open after a command ends, for the next command to reuse (OpenSSH
    /// <c>ControlPersist</c>; 60 s, as Ansible does by default). Null (<c>control_persist: 0</c>): every run connects
    /// afresh and closes on exit.
    /// </summary>
    public TimeSpan? ControlPersist { get; init; } = DefaultControlPersist;

    /// <summary>Ansible's default: long enough for the next command of a working session, short for an idle one.</summary>
    public static readonly TimeSpan DefaultControlPersist = TimeSpan.FromSeconds(60);
}

public enum HostKeyPolicy
{
    /// <summary>Only hosts whose key is already in known_hosts (OpenSSH <c>StrictHostKeyChecking=yes</c>).</summary>
    Strict,

    /// <summary>Record keys of new hosts, still refuse changed keys (OpenSSH <c>accept-new</c>).</summary>
    AcceptNew,
}
