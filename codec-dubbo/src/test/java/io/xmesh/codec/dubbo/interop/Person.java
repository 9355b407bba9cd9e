package io.xmesh.codec.dubbo.interop;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** A POJO argument. */
public class Person implements Serializable {
    private static final long serialVersionUID = 1L;

    private String name;
    private int age;
    private List<String> tags;
    private Map<String, String> attrs;
    private String servedBy;

    public Person() {
    }

    public Person(String name, int age, List<String> tags, Map<String, String> attrs) {
        this.name = name;
        this.age = age;
        this.tags = tags;
        this.attrs = attrs;
    }

    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public int getAge() { return age; }
    public void setAge(int age) { this.age = age; }
    public List<String> getTags() { return tags; }
    public void setTags(List<String> tags) { this.tags = tags; }
    public Map<String, String> getAttrs() { return attrs; }
    public void setAttrs(Map<String, String> attrs) { this.attrs = attrs; }
    public String getServedBy() { return servedBy; }
    public void setServedBy(String servedBy) { this.servedBy = servedBy; }

    @Override
    public boolean equals(Object o) {
        return o instanceof Person p && age == p.age && Objects.equals(name, p.name) && Objects.equals(tags, p.tags)
                && Objects.equals(attrs, p.attrs) && Objects.equals(servedBy, p.servedBy);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, age);
    }

    @Override
    public String toString() {
        return "Person[" + name + "," + age + "," + tags + "," + attrs + "," + servedBy + "]";
    }
}
