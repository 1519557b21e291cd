namespace Slipway.Core.Config.Internal;

/// <summary>
/// Binds <c>build:</c>: structure and types with line, column and key path here; the recipe rules and the dependency
/// graph are the build feature's (it reports them at the locations kept in <see cref="BuildPackageConfig"/>).
/// </summary>
internal static class BuildBinder
{
    public static BuildConfig? Bind(Section root, string sourceFile)
    {
        if (root.Get(ConfigKeys.Build) is not { } node)
        {
            return null;
        }

        var s = root.Context.Section(node, ConfigKeys.Build, ConfigKeys.BuildKeys, "a mapping such as { packages: { libfoo: { … } }, store: .slipway/artifacts }");
        if (s is null)
        {
            return null;
        }

        var dir = Path.GetDirectoryName(Path.GetFullPath(sourceFile)) ?? ".";
        var packages = BindPackages(s, null);
        BindIncludes(s, sourceFile, dir, packages);
        return new BuildConfig
        {
            Packages = packages,
            Store = s.String("store") is { } store ? Path.GetFullPath(store, dir) : Layout.LocalState.ForFile(sourceFile).Artifacts,
            Jobs = s.Int("jobs", 1, 256),
            S3 = BindS3(s),
            Signing = BindSigning(s, dir),
            Directory = dir,
            Location = s.Location,
        };
    }

    private static BuildS3Config? BindS3(Section build)
    {
        if (build.Get("s3") is not { } node)
        {
            return null;
        }

        const string example = "a mapping such as { url: s3://bucket/prefix, endpoint: http://127.0.0.1:9000 }";
        var s = build.Context.Section(node, build.PathOf("s3"), ConfigKeys.BuildS3Keys, example);
        if (s is null || s.RequiredString("url", "s3://bucket/prefix") is not { } url)
        {
            return null;
        }

        var (bucket, prefix) = ParseS3Url(url);
        if (bucket is null)
        {
            s.Context.Error(s.Get("url")!, s.PathOf("url"), $"must be s3://BUCKET or s3://BUCKET/PREFIX, got '{url}'");
            return null;
        }

        var endpoint = s.String("endpoint");
        if (endpoint is not null && !(Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            s.Context.Error(s.Get("endpoint")!, s.PathOf("endpoint"), $"must be an http:// or https:// URL, got '{endpoint}'");
        }

        var timeout = s.Duration("timeout") ?? TimeSpan.FromSeconds(BuildS3Config.DefaultTimeoutSeconds);
        if (timeout <= TimeSpan.Zero)
        {
            s.Context.Error(s.Get("timeout")!, s.PathOf("timeout"), "must be longer than zero");
        }

        return new BuildS3Config(bucket, prefix, endpoint, s.String("region"), s.String("profile"), timeout, s.Bool("read_only") ?? false)
        {
            Location = s.Location,
            HostsFetch = s.Bool("hosts_fetch") ?? false,
        };
    }

    /// <summary>"s3://bucket/some/prefix/" → ("bucket", "some/prefix"); a bucket of null when it is not an s3:// URL.</summary>
    internal static (string? Bucket, string Prefix) ParseS3Url(string url)
    {
        const string scheme = "s3://";
        if (!url.StartsWith(scheme, StringComparison.Ordinal))
        {
            return (null, "");
        }

        var rest = url[scheme.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var bucket = slash < 0 ? rest : rest[..slash];
        var prefix = slash < 0 ? "" : rest[(slash + 1)..].Trim('/');
        return bucket.Length == 0 || bucket.Any(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.'))
            ? (null, "")
            : (bucket, prefix);
    }

    private static BuildSigningConfig? BindSigning(Section build, string dir)
    {
        if (build.Get("signing") is not { } node)
        {
            return null;
        }

        var s = build.Context.Section(node, build.PathOf("signing"), ConfigKeys.BuildSigningKeys,
            "a mapping such as { key: keys/build.pem, public_key: BASE64 }");
        if (s is null)
        {
            return null;
        }

        var key = s.String("key");
        var publicKey = s.String("public_key");
        if (key is null && publicKey is null)
        {
            s.Context.Error(s.Location, s.Path, "needs key (to sign what is built here), public_key (to refuse unsigned artifacts) or both");
            return null;
        }

        // A public key is base64 (44 characters for 32 bytes) or a path of a PEM file; only paths are made absolute.
        var publicIsPath = publicKey is not null && (publicKey.EndsWith(".pem", StringComparison.OrdinalIgnoreCase) || publicKey.Contains('/', StringComparison.Ordinal));
        return new BuildSigningConfig(key is null ? null : Path.GetFullPath(key, dir), publicIsPath ? Path.GetFullPath(publicKey!, dir) : publicKey)
        {
            Location = s.Location,
        };
    }

    /// <summary>
    /// <c>build.include</c>: files (relative to slipway.yml, <c>*</c> and <c>?</c> allowed in the file name) that declare
    /// more <c>packages:</c>, each read with its own line and column; a name declared twice is an error at the second.
    /// </summary>
    private static void BindIncludes(Section build, string sourceFile, string dir, List<BuildPackageConfig> packages)
    {
        if (build.Get("include") is not { } node)
        {
            return;
        }

        var context = build.Context;
        var entries = node is ConfigScalar
            ? ValueReader.String(context, node, build.PathOf("include")) is { } one ? [(one, node, build.PathOf("include"))] : []
            : build.StringList("include");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var shownDir = Path.GetDirectoryName(sourceFile) ?? "";
        foreach (var (pattern, entryNode, entryPath) in entries)
        {
            var full = Path.GetFullPath(pattern, dir);
            var folder = Path.GetDirectoryName(full) ?? dir;
            var name = Path.GetFileName(full);
            if (folder.AsSpan().IndexOfAny('*', '?') >= 0)
            {
                context.Error(entryNode, entryPath, $"wildcards are allowed in the file name only, got '{pattern}'");
                continue;
            }

            List<string> files;
            if (name.AsSpan().IndexOfAny('*', '?') >= 0)
            {
                files = Directory.Exists(folder) ? [.. Directory.GetFiles(folder, name).Order(StringComparer.Ordinal)] : [];
                if (files.Count == 0)
                {
                    context.Warning(entryNode.Location, entryPath, $"'{pattern}' matches no file");
                }
            }
            else if (System.IO.File.Exists(full))
            {
                files = [full];
            }
            else
            {
                context.Error(entryNode, entryPath, $"file not found: {full}");
                continue;
            }

            foreach (var file in files.Where(seen.Add))
            {
                var shown = Path.Join(shownDir, Path.GetRelativePath(dir, file));
                var included = context.Included(shown);
                if (ConfigLoader.ReadBounded(file, out var problem) is not { } text)
                {
                    context.Error(entryNode, entryPath, $"{shown}: {problem}");
                    continue;
                }

                if (YamlTreeReader.Read(text, included, out _) is not { } root)
                {
                    continue; // empty (nothing to add) or a syntax error, already reported in that file
                }

                var section = included.Section(root, ConfigKeys.Build, ConfigKeys.BuildIncludedKeys, "a mapping such as { packages: { libfoo: { … } } }");
                if (section is null)
                {
                    continue;
                }

                foreach (var package in BindPackages(section, file))
                {
                    if (packages.FirstOrDefault(p => p.Name == package.Name) is { } first)
                    {
                        var where = Path.GetRelativePath(dir, first.File ?? Path.GetFullPath(sourceFile)) + ":" + first.Location;
                        included.Error(package.Location, $"build.packages.{package.Name}", $"package '{package.Name}' is already declared at {where}");
                        continue;
                    }

                    packages.Add(package);
                }
            }
        }
    }

    private static List<BuildPackageConfig> BindPackages(Section build, string? file)
    {
        var result = new List<BuildPackageConfig>();
        if (build.Get("packages") is not { } node)
        {
            return result;
        }

        var context = build.Context;
        var path = build.PathOf("packages");
        if (node is not ConfigMapping mapping)
        {
            context.Error(node, path, $"must be a mapping of package names to {{ source, steps, … }}, got {node.Describe()}");
            return result;
        }

        foreach (var entry in context.UniqueEntries(mapping, path))
        {
            var packagePath = Paths.Child(path, entry.Key.Value);
            var p = context.Section(entry.Value, packagePath, ConfigKeys.BuildPackageKeys, "a mapping such as { source: { git: …, ref: main }, steps: [make] }");
            if (p is null)
            {
                continue;
            }

            var locations = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
            foreach (var key in ConfigKeys.BuildPackageKeys.Where(p.Has))
            {
                locations[key] = p.Get(key)?.Location ?? p.KeyLocation(key);
            }

            var source = BindSource(p, locations);
            var steps = p.Required("steps", "shell commands run in the source tree, such as [make, make install PREFIX=$PREFIX]") is not null
                ? p.StringList("steps").Select(x => x.Value).ToList()
                : [];
            var depends = p.StringList("depends");
            var dependsLocations = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
            foreach (var (name, dependsNode, _) in depends)
            {
                dependsLocations.TryAdd(name, dependsNode.Location);
            }

            if (source is null)
            {
                continue;
            }

            result.Add(new BuildPackageConfig
            {
                Name = entry.Key.Value,
                Source = source,
                Patches = [.. p.StringList("patches").Select(x => x.Value)],
                Steps = steps,
                Depends = [.. depends.Select(x => x.Value)],
                Env = BindEnv(p),
                EnvAllowlist = [.. p.StringList("env_allowlist").Concat(p.StringList("pass_env")).Select(x => x.Value).Distinct(StringComparer.Ordinal)],
                Tools = [.. p.StringList("tools").Select(x => x.Value)],
                Platform = p.String("platform"),
                Roles = [.. p.Roles(recordUse: true).Distinct(StringComparer.Ordinal)],
                File = file,
                Location = entry.Key.Location,
                KeyLocations = locations,
                DependsLocations = dependsLocations,
            });
        }

        return result;
    }

    private static BuildSourceConfig? BindSource(Section package, Dictionary<string, SourceLocation> locations)
    {
        if (package.Required("source", "{ git: URL, ref: main }, { tarball: URL, sha256: HEX } or { path: DIR }") is not { } node)
        {
            return null;
        }

        var s = package.Context.Section(node, package.PathOf("source"), ConfigKeys.BuildSourceKeys, "{ git: URL, ref: main }, { tarball: URL, sha256: HEX } or { path: DIR }");
        if (s is null)
        {
            return null;
        }

        foreach (var key in ConfigKeys.BuildSourceKeys.Where(s.Has))
        {
            locations["source." + key] = s.Get(key)?.Location ?? s.KeyLocation(key);
        }

        string[] kinds = ["git", "tarball", "path"];
        var given = kinds.Where(s.Has).ToList();
        if (given.Count != 1)
        {
            package.Context.Error(s.Location, s.Path,
                given.Count == 0 ? "needs one of git (with ref), tarball (with sha256) or path" : $"gives {string.Join(" and ", given)}; a source is exactly one of them");
            return null;
        }

        var kind = given[0];
        return kind switch
        {
            "git" => new BuildSourceConfig("git", s.RequiredString("git"), s.RequiredString("ref", "a branch, tag or commit"), s.String("sha256"), s.String("path")),
            "tarball" => new BuildSourceConfig("tarball", s.RequiredString("tarball"), s.String("ref"), s.RequiredString("sha256", "the SHA-256 of the tarball, 64 hex digits"), s.String("path")),
            _ => new BuildSourceConfig("path", null, s.String("ref"), s.String("sha256"), s.RequiredString("path")),
        };
    }

    private static Dictionary<string, string> BindEnv(Section package)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        if (package.Get("env") is not { } node)
        {
            return env;
        }

        var context = package.Context;
        var path = package.PathOf("env");
        if (node is not ConfigMapping mapping)
        {
            context.Error(node, path, $"must be a mapping of variable names to values, got {node.Describe()}");
            return env;
        }

        foreach (var entry in context.UniqueEntries(mapping, path))
        {
            if (ValueReader.String(context, entry.Value, Paths.Child(path, entry.Key.Value)) is { } value)
            {
                env[entry.Key.Value] = value;
            }
        }

        return env;
    }
}
