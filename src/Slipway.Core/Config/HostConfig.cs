namespace Slipway.Core.Config;

/// <summary>One host of a stage, with its SSH settings already merged over the file's <c>ssh:</c> defaults.</summary>
public sealed record HostConfig
{
    /// <summary>Host name, address or ssh_config alias, as written.</summary>
    public required string Host { get; init; }

    /// <summary>Null: let ssh_config decide (default 22).</summary>
    public int? Port { get; init; }

    /// <summary>Null: let ssh_config decide (default: the local user).</summary>
    public string? User { get; init; }

    public IReadOnlyList<string> Roles { get; init; } = [];

    public TransportKind Transport { get; init; } = TransportKind.Ssh;

    /// <summary>Per-host key; null falls back to <see cref="SshSettings.IdentityFile"/>.</summary>
    public string? IdentityFile { get; init; }

    /// <summary>The host that runs <c>once: true</c> hooks for its role; the first host of the stage when none says so.</summary>
    public bool Primary { get; init; }

    /// <summary>This host's own <c>deploy_to</c>; null uses the file's <see cref="SlipwayConfig.DeployTo"/>.</summary>
    public string? DeployTo { get; init; }

    /// <summary>Per-host values for templates (<c>${http_port}</c> in processes and health checks).</summary>
    public IReadOnlyDictionary<string, string> Vars { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public SourceLocation Location { get; init; }

    /// <summary>How the host is named in output: <c>user@host:port</c> with only the parts that were given.</summary>
    public string DisplayName =>
        (User is null ? "" : User + "@") + Host + (Port is null ? "" : ":" + Port.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public bool HasRole(string role) => Roles.Contains(role, StringComparer.Ordinal);
}

public enum TransportKind
{
    Ssh,
    Local,
}
