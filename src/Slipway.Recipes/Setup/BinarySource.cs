using System.Security.Cryptography;
using System.Text;

namespace Slipway.Recipes.Setup;

/// <summary>What <c>slipway setup</c> installs as <c>slipway/bin/slipway</c> on the hosts, with its sha256.</summary>
public sealed class BinarySource
{
    private readonly string? _file;
    private readonly byte[]? _content;

    private BinarySource(string? file, byte[]? content, string sha256, string description, bool localOnly)
    {
        _file = file;
        _content = content;
        Sha256 = sha256;
        Description = description;
        LocalOnly = localOnly;
    }

    public string Sha256 { get; }

    public string Description { get; }

    /// <summary>A launcher for this machine's development build: valid only on hosts that are this machine.</summary>
    public bool LocalOnly { get; }

    public Stream Open() => _file is not null ? File.OpenRead(_file) : new MemoryStream(_content!, writable: false);

    /// <summary>
    /// The Native AOT daemon (<c>slipway-supervise</c>) published beside the binary, installed beside it on the hosts so
    /// that <c>slipway supervise</c> runs it (docs/supervise.md); null when there is none.
    /// </summary>
    public BinarySource? NativeDaemon { get; private init; }

    /// <summary>
    /// <paramref name="path"/> when given; otherwise this process's own executable when it is a single-file bundle;
    /// otherwise a launcher script that runs this development build with dotnet.
    /// </summary>
    public static BinarySource Resolve(string? path)
    {
        if (path is not null)
        {
            var full = Path.GetFullPath(path);
            if (!File.Exists(full))
            {
                throw new FileNotFoundException($"--binary: {full} does not exist", full);
            }

            return FromFile(full, full);
        }

        // A single-file bundle has no slipway.dll beside it (Assembly.Location is empty there, and flagged IL3000).
        var dll = Path.Combine(AppContext.BaseDirectory, "slipway.dll");
        if (!File.Exists(dll) && Environment.ProcessPath is { } self)
        {
            return FromFile(self, self + " (this single-file slipway)");
        }

        // The apphost next to the dll when there is one: `slipway supervise` re-executes itself to daemonize, which
        // needs an executable of its own, not `dotnet slipway.dll`.
        var apphost = Path.Combine(Path.GetDirectoryName(dll)!, "slipway");
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
            : Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p
            : "dotnet";
        var launcher = Encoding.UTF8.GetBytes(File.Exists(apphost) ? SetupPlan.RenderLauncher([apphost]) : SetupPlan.RenderLauncher([dotnet, dll]));
        return new BinarySource(null, launcher, Hex(SHA256.HashData(launcher)), $"a launcher for the development build {dll}", localOnly: true);
    }

    private static BinarySource FromFile(string file, string description)
    {
        var native = Path.Combine(Path.GetDirectoryName(file)!, NativeDaemonName);
        return new BinarySource(file, null, HashFile(file), description, localOnly: false)
        {
            NativeDaemon = File.Exists(native) ? new BinarySource(native, null, HashFile(native), native, localOnly: false) : null,
        };
    }

    private const string NativeDaemonName = HostLayout.NativeDaemonName;

    private static string HashFile(string file)
    {
        using var stream = File.OpenRead(file);
        return Hex(SHA256.HashData(stream));
    }

    public static string Hex(byte[] hash) => Convert.ToHexStringLower(hash);
}
