//! Recursive types need a `Box` somewhere in each cycle. Found with Tarjan's strongly connected
//! components over "contains directly" edges (a `Vec` or map already gives indirection).

use crate::ir::{TypeDef, TypeKind, TypeRef};
use foldhash::HashMap;

/// Marks every field and variant whose type lies in its owner's own cycle as boxed.
pub fn box_cycles(types: &mut [TypeDef]) {
    let index: HashMap<&str, usize> = types.iter().enumerate().map(|(i, t)| (t.name.as_str(), i)).collect();
    let edges: Vec<Vec<usize>> = types
        .iter()
        .map(|t| direct_targets(&t.kind).iter().filter_map(|name| index.get(name.as_str()).copied()).collect())
        .collect();
    let component = tarjan(&edges);
    let in_cycle = |owner: usize, ty: &TypeRef| -> bool {
        let Some(target) = direct_name(ty).and_then(|n| index.get(n).copied()) else { return false };
        component[target] == component[owner] && (target != owner || edges[owner].contains(&owner))
    };
    let verdicts: Vec<(Vec<bool>, Vec<bool>)> = types
        .iter()
        .enumerate()
        .map(|(owner, t)| match &t.kind {
            TypeKind::Struct { fields, .. } => (fields.iter().map(|f| in_cycle(owner, &f.ty)).collect(), Vec::new()),
            TypeKind::Union { variants, .. } => (Vec::new(), variants.iter().map(|v| in_cycle(owner, &v.ty)).collect()),
            _ => (Vec::new(), Vec::new()),
        })
        .collect();
    for (t, (field_flags, variant_flags)) in types.iter_mut().zip(verdicts) {
        match &mut t.kind {
            TypeKind::Struct { fields, .. } => fields.iter_mut().zip(field_flags).for_each(|(f, b)| f.boxed = b),
            TypeKind::Union { variants, .. } => variants.iter_mut().zip(variant_flags).for_each(|(v, b)| v.boxed = b),
            _ => {}
        }
    }
}

fn direct_name(ty: &TypeRef) -> Option<&str> {
    match ty {
        TypeRef::Named(name) => Some(name),
        _ => None,
    }
}

fn direct_targets(kind: &TypeKind) -> Vec<String> {
    match kind {
        TypeKind::Struct { fields, .. } => fields.iter().filter_map(|f| direct_name(&f.ty)).map(str::to_string).collect(),
        TypeKind::Union { variants, .. } => variants.iter().filter_map(|v| direct_name(&v.ty)).map(str::to_string).collect(),
        TypeKind::Alias(ty) => direct_name(ty).map(str::to_string).into_iter().collect(),
        _ => Vec::new(),
    }
}

/// Component id of each node (iterative, so deep graphs cannot overflow the stack).
fn tarjan(edges: &[Vec<usize>]) -> Vec<usize> {
    let n = edges.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut component = vec![usize::MAX; n];
    let mut stack = Vec::new();
    let mut next_index = 0;
    let mut next_component = 0;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some((node, edge)) = work.pop() {
            if edge == 0 {
                index[node] = next_index;
                low[node] = next_index;
                next_index += 1;
                stack.push(node);
                on_stack[node] = true;
            }
            if let Some(&target) = edges[node].get(edge) {
                work.push((node, edge + 1));
                if index[target] == usize::MAX {
                    work.push((target, 0));
                } else if on_stack[target] {
                    low[node] = low[node].min(index[target]);
                }
                continue;
            }
            if low[node] == index[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
        }
    }
    component
}
