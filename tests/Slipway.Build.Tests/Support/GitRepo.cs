using Slipway.Testing;

namespace Slipway.Build.Tests.Support;

/// <summary>A real git repository a test makes: files written, committed, and patches made from edits.</summary>
internal sealed class GitRepo(string path)
{
    public string Path { get; } = path;

    public static async Task<GitRepo> CreateAsync(string path, IReadOnlyDictionary<string, string> files, CancellationToken ct)
    {
        Directory.CreateDirectory(path);
        var repo = new GitRepo(path);
        await repo.GitAsync(ct, "init", "--quiet", "--initial-branch=main");
        await repo.CommitAsync(files, "initial", ct);
        return repo;
    }

    public async Task<string> CommitAsync(IReadOnlyDictionary<string, string> files, string message, CancellationToken ct)
    {
        foreach (var (name, content) in files)
        {
            await File.WriteAllTextAsync(System.IO.Path.Combine(Path, name), content, ct);
        }

        await GitAsync(ct, "add", "-A");
        await GitAsync(ct, "-c", "user.name=Test", "-c", "user.email=test@example.org", "commit", "--quiet", "-m", message);
        return (await GitAsync(ct, "rev-parse", "HEAD")).Trim();
    }

    /// <summary>Writes a patch (git diff format) that turns <paramref name="file"/> into <paramref name="content"/>; the repo is left unchanged.</summary>
    public async Task MakePatchAsync(string file, string content, string patchPath, CancellationToken ct)
    {
        var full = System.IO.Path.Combine(Path, file);
        var original = await File.ReadAllTextAsync(full, ct);
        await File.WriteAllTextAsync(full, content, ct);
        var diff = await GitAsync(ct, "diff");
        await File.WriteAllTextAsync(full, original, ct);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(patchPath)!);
        await File.WriteAllTextAsync(patchPath, diff, ct);
    }

    public async Task<string> GitAsync(CancellationToken ct, params string[] args)
    {
        var (exit, stdout, stderr) = await ProcessTools.RunAsync("git", ["-C", Path, .. args], ct);
        exit.ShouldBe(0, $"git {string.Join(' ', args)}: {stderr}");
        return stdout;
    }
}
