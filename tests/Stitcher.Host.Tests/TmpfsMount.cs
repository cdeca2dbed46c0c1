using System.Diagnostics;
using Xunit.Abstractions;

namespace Stitcher.Host.Tests;

/// <summary>
/// A small tmpfs mounted on a folder, so a test can fill a real file system or make it read-only (root ignores file
/// modes, not a read-only mount). Unmounted on dispose. Mounting needs root (CI runs as root).
/// </summary>
internal sealed class TmpfsMount : IDisposable
{
    private readonly List<string> _mounts = [];

    private TmpfsMount(string path) => Path = path;

    public string Path { get; }

    /// <summary>Mounts a tmpfs of <paramref name="size"/> (<c>8m</c>) on <paramref name="path"/>; null, said on the test's output, where mounting is not permitted.</summary>
    public static TmpfsMount? TryMount(string path, string size, ITestOutputHelper output)
    {
        Directory.CreateDirectory(path);
        if (!Environment.IsPrivilegedProcess)
        {
            output.WriteLine($"SKIPPED: mounting a tmpfs needs root; this process runs as {Environment.UserName}.");
            return null;
        }
        var (code, error) = Run("mount", "-t", "tmpfs", "-o", $"size={size}", "tmpfs", path);
        if (code != 0 && (error.Contains("permission denied", StringComparison.OrdinalIgnoreCase) || error.Contains("not permitted", StringComparison.OrdinalIgnoreCase)))
        {
            output.WriteLine($"SKIPPED: mounting a tmpfs is not permitted here: {error.Trim()}");
            return null;
        }
        Assert.True(code == 0, $"mount failed: {error}");
        var mount = new TmpfsMount(path);
        mount._mounts.Add(path);
        return mount;
    }

    /// <summary>Changes the mount's options in place (<c>size=256m</c>, <c>ro</c>, <c>rw</c>); its files stay.</summary>
    public void Remount(string options) => Check(Run("mount", "-o", $"remount,{options}", Path));

    /// <summary>Makes <paramref name="folder"/> (inside the mount) read-only on its own, with a read-only bind mount over it.</summary>
    public void BindReadOnly(string folder)
    {
        Check(Run("mount", "--bind", folder, folder));
        _mounts.Add(folder);
        Check(Run("mount", "-o", "remount,bind,ro", folder));
    }

    /// <summary>Makes <paramref name="folder"/>, made read-only by <see cref="BindReadOnly"/>, writable again.</summary>
    public void BindWritable(string folder) => Check(Run("mount", "-o", "remount,bind,rw", folder));

    public void Dispose()
    {
        // Innermost first; lazily if something still holds a file open, so a failed test never leaves a mount behind.
        for (var i = _mounts.Count - 1; i >= 0; i--)
        {
            if (Run("umount", _mounts[i]).Code != 0)
            {
                Run("umount", "-l", _mounts[i]);
            }
        }
    }

    private static void Check((int Code, string Error) result) => Assert.True(result.Code == 0, result.Error);

    private static (int Code, string Error) Run(string command, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(command, args) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, error);
    }
}
