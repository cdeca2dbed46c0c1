using System.Text;
using System.Text.Json;
using Stitcher.Engine.Schema;

namespace Stitcher.Engine.Ingest;

/// <summary>
/// One step of the mapped JSON paths, as a tree: <c>user.name</c> and <c>user.contact.email</c> share the
/// <c>user</c> node. Property names are kept as UTF-8 so they compare against the reader's bytes.
/// </summary>
internal sealed class JsonPathNode
{
    private JsonPathNode(string name, string path)
    {
        Name = name;
        NameUtf8 = Encoding.UTF8.GetBytes(name);
        Path = path;
    }

    public string Name { get; }

    public byte[] NameUtf8 { get; }

    /// <summary>The dotted path from the root, as configured; names the field in a <see cref="MalformedRow"/>.</summary>
    public string Path { get; }

    /// <summary>Attributes whose value is at this node; empty when the node only leads further in.</summary>
    public CanonicalAttribute[] Attributes { get; private set; } = [];

    public JsonPathNode[] Children { get; private set; } = [];

    public bool IsMapped => Attributes.Length > 0;

    /// <summary>Builds the tree for <paramref name="mapping"/>; the root stands for the line's object.</summary>
    /// <exception cref="ArgumentException">A path has an empty segment, e.g. <c>user..email</c>.</exception>
    public static JsonPathNode Build(FieldMapping mapping)
    {
        var root = new JsonPathNode("", "");
        var attributes = mapping.Attributes;
        var sources = mapping.Sources;
        for (var i = 0; i < attributes.Length; i++)
        {
            var path = sources[i];
            var node = root;
            foreach (var segment in path.Split('.'))
            {
                if (segment.Length == 0)
                {
                    throw new ArgumentException($"JSON path '{path}' for '{mapping.NameOf(attributes[i])}' has an empty segment.", nameof(mapping));
                }
                node = node.GetOrAddChild(segment);
            }
            node.Attributes = [.. node.Attributes, attributes[i]];
        }
        return root;
    }

    /// <summary>The child named by the property name under <paramref name="reader"/>, or null.</summary>
    public JsonPathNode? FindChild(ref Utf8JsonReader reader)
    {
        foreach (var child in Children)
        {
            if (reader.ValueTextEquals(child.NameUtf8))
            {
                return child;
            }
        }
        return null;
    }

    private JsonPathNode GetOrAddChild(string name)
    {
        foreach (var child in Children)
        {
            if (string.Equals(child.Name, name, StringComparison.Ordinal))
            {
                return child;
            }
        }
        var added = new JsonPathNode(name, Path.Length == 0 ? name : string.Concat(Path, ".", name));
        Children = [.. Children, added];
        return added;
    }
}
