using System.Security.Cryptography;
using System.Text;

namespace Slipway.Cli.Commands.Setup;

/// <summary>What <c>slipway setup</c> installs as <c>slipway/bin/slipway</c> on the hosts, with its sha256.</summary>
internal sealed class BinarySource
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

        // Empty in a single-file bundle, which is exactly what this asks (IL3000 warns about that very empty string).
#pragma warning disable IL3000
        var dll = typeof(SlipwayApp).Assembly.Location;
#pragma warning restore IL3000
        if (dll.Length == 0 && Environment.ProcessPath is { } self)
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
        using var stream = File.OpenRead(file);
        return new BinarySource(file, null, Hex(SHA256.HashData(stream)), description, localOnly: false);
    }

    public static string Hex(byte[] hash) => Convert.ToHexStringLower(hash);
}
